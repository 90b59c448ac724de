import { describe, expect, it } from 'vitest'
import { describeDbError } from '../src/db/describe-error.ts'

describe('describeDbError', () => {
  it('keeps name, code and message', () => {
    const err = Object.assign(new Error('Access denied for user'), { code: 'ER_ACCESS_DENIED_ERROR' })
    expect(describeDbError(err)).toEqual({ name: 'Error', code: 'ER_ACCESS_DENIED_ERROR', message: 'Access denied for user' })
  })

  it('masks credentials in a connection URL the message echoes', () => {
    const err = new Error('bad uri mongodb://ratings:s3cret@mongodb:27017/test and mongodb+srv://a:b@c/d')
    expect(describeDbError(err).message).toBe('bad uri mongodb://[Redacted]@mongodb:27017/test and mongodb+srv://[Redacted]@c/d')
  })

  it('describes a thrown non-Error', () => {
    expect(describeDbError('boom')).toEqual({ name: 'Error', message: 'boom' })
  })
})
