import { describe, expect, it } from 'vitest'
import { BASE_ENV_PROPERTIES, ConfigError, loadEnv, type BaseEnv } from '../src/config.ts'
import { parseProductId } from '../src/ids.ts'
import { redactUrl } from '../src/logger.ts'

const schema = { type: 'object' as const, properties: { ...BASE_ENV_PROPERTIES } }

describe('loadEnv', () => {
  it('applies defaults', () => {
    expect(loadEnv<BaseEnv>(schema, {})).toEqual({ PORT: 9080, HOST: '::', LOG_LEVEL: 'info', LOG_FORMAT: 'auto', SHUTDOWN_GRACE_MS: 10000, SHUTDOWN_DELAY_MS: 0 })
  })

  it('coerces numbers and ignores variables outside the schema', () => {
    const env = loadEnv<BaseEnv & { PATH?: string }>(schema, { PORT: '9081', PATH: '/bin' })
    expect(env.PORT).toBe(9081)
    expect(env.PATH).toBeUndefined()
  })

  it('treats an empty value as unset', () => {
    expect(loadEnv<BaseEnv>(schema, { PORT: '' }).PORT).toBe(9080)
  })

  it('names the bad variable', () => {
    expect(() => loadEnv(schema, { PORT: 'abc' })).toThrow(ConfigError)
    expect(() => loadEnv(schema, { PORT: 'abc' })).toThrow(/PORT/)
    expect(() => loadEnv(schema, { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/)
    expect(() => loadEnv(schema, { PORT: '70000' })).toThrow(/PORT/)
  })

  it('names a missing required variable', () => {
    const required = { ...schema, properties: { ...schema.properties, SECRET: { type: 'string' } }, required: ['SECRET'] }
    expect(() => loadEnv(required, {})).toThrow(/SECRET/)
  })

  it('refuses a schema with an unknown keyword, type or a keyword value of the wrong type (no meta-schema needed)', () => {
    const broken = (property: Record<string, unknown>) => ({ type: 'object' as const, properties: { ...schema.properties, X: property } })
    expect(() => loadEnv(broken({ type: 'string', minLenght: 1 }), {})).toThrow(/unknown keyword: "minLenght"/)
    expect(() => loadEnv(broken({ type: 'integr' }), {})).toThrow(/type must be JSONType/)
    expect(() => loadEnv(broken({ type: 'integer', minimum: '1' }), {})).toThrow(/minimum value must be/)
    expect(() => loadEnv(broken({ enum: 'a' }), {})).toThrow(/enum value must be/)
  })

  it('reports every bad variable at once', () => {
    expect(() => loadEnv(schema, { PORT: 'abc', LOG_LEVEL: 'loud' })).toThrow(/PORT .*; LOG_LEVEL /)
  })
})

describe('parseProductId', () => {
  it.each([['0', 0], ['7', 7], ['-1', -1], ['9007199254740991', 9007199254740991]])('accepts %s', (raw, id) => {
    expect(parseProductId(raw)).toBe(id)
  })
  it.each(['', 'abc', '0x1A', '1_000', ' 1', '1.5', '99999999999999999', '一', undefined])('rejects %s', (raw) => {
    expect(parseProductId(raw)).toBeUndefined()
  })
})

describe('redactUrl', () => {
  it('masks one-time credentials in query strings', () => {
    expect(redactUrl('/callback?code=abc123&state=xyz')).toBe('/callback?code=[Redacted]&state=[Redacted]')
    expect(redactUrl('/productpage?u=normal')).toBe('/productpage?u=normal')
  })
})
