import { describe, expect, it } from 'vitest'
import { PROPAGATED_HEADERS, propagateHeaders } from '../src/propagation.ts'

describe('propagateHeaders', () => {
  it('carries every header of the contract list verbatim', () => {
    const incoming = Object.fromEntries(PROPAGATED_HEADERS.map((h) => [h, `value-of-${h}`]))
    expect(propagateHeaders(incoming)).toEqual(incoming)
  })

  it('covers the upstream list of contract §1.1', () => {
    for (const h of ['x-request-id', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-sampled', 'x-b3-parentspanid', 'x-b3-flags', 'b3', 'traceparent', 'tracestate', 'sw8', 'x-datadog-trace-id', 'x-cloud-trace-context', 'grpc-trace-bin', 'x-ot-span-context', 'end-user', 'user-agent', 'authorization', 'cookie', 'jwt']) {
      expect(PROPAGATED_HEADERS).toContain(h)
    }
  })

  it('drops headers outside the list', () => {
    expect(propagateHeaders({ 'x-secret': 'no', host: 'productpage', 'x-request-id': 'r1' })).toEqual({ 'x-request-id': 'r1' })
  })

  it('omits headers the caller replaces', () => {
    expect(propagateHeaders({ 'end-user': 'mallory', cookie: 'session=abc', 'x-request-id': 'r' }, ['end-user', 'cookie'])).toEqual({ 'x-request-id': 'r' })
  })

  it('leaves out a value HTTP cannot carry (CR, LF, NUL, controls, past Latin-1), so the call still goes out without it', () => {
    for (const bad of ['a\r\nx-injected: 1', 'a\nb', 'a\0b', 'a\u0001b', '\u20ac']) {
      expect(propagateHeaders({ 'x-request-id': bad, 'user-agent': 'ua\ttab \u00e9' })).toEqual({ 'user-agent': 'ua\ttab \u00e9' })
    }
    expect(propagateHeaders({ 'x-b3-traceid': ['ok', 'b\r\nc'] as unknown as string })).toEqual({})
  })

  it('joins repeated values', () => {
    expect(propagateHeaders({ cookie: ['a=1', 'b=2'] as unknown as string })).toEqual({ cookie: 'a=1; b=2' })
  })
})

describe('TRACE_HEADERS (the fixture every service test uses)', () => {
  it('has a value for every propagated header, so a header added here is checked everywhere', async () => {
    const { TRACE_HEADERS } = await import('@bookinfo/test-helpers/trace-headers')
    expect(Object.keys(TRACE_HEADERS).sort()).toEqual([...PROPAGATED_HEADERS].sort())
  })
})
