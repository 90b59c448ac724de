// Where tokens are found (Envoy's jwt_authn extractor) and what a validated token writes to the request
// (its handleGoodJwt), and the remote.ip rule.
import { describe, expect, it } from 'vitest'
import { extractTokens, locationsOf } from '../src/authn/locations.ts'
import { claimHeaderValue, normalizedClaims, outputChanges } from '../src/authn/outputs.ts'
import type { ParsedJwt } from '../src/authn/token.ts'
import { remoteIp } from '../src/request/remote-ip.ts'
import type { JwtRule } from '../src/types.ts'

const rule = (over: Partial<JwtRule> = {}): JwtRule => ({ issuer: 'i', forwardOriginalToken: false, ...over })
const carrier = (headers: Record<string, string>, query = '') => ({ header: (n: string) => headers[n], query })
const tokens = (r: JwtRule, headers: Record<string, string>, query = '') => extractTokens(locationsOf(r), carrier(headers, query)).map((t) => t.token)

describe('token locations', () => {
  it('by default: `Authorization: Bearer <token>` (case-sensitive prefix) and the access_token parameter', () => {
    expect(tokens(rule(), { authorization: 'Bearer a.b.c' })).toEqual(['a.b.c'])
    expect(tokens(rule(), { authorization: 'bearer a.b.c' })).toEqual([])
    expect(tokens(rule(), {}, 'x=1&access_token=d.e.f')).toEqual(['d.e.f'])
  })

  it('finds the prefix anywhere and takes the base64url-and-dots run after it', () => {
    expect(tokens(rule(), { authorization: 'Basic x, Bearer  a.b.c; extra' })).toEqual(['a.b.c'])
    expect(tokens(rule(), { authorization: 'Bearer !!!' })).toEqual(['Bearer !!!'])
  })

  it('configured locations replace the defaults; headers, then parameters, then cookies, each sorted', () => {
    const r = rule({ fromHeaders: [{ name: 'x-b', prefix: '' }, { name: 'x-a', prefix: 'T ' }], fromParams: ['t'], fromCookies: ['c'] })
    expect(locationsOf(r).map((l) => `${l.kind}:${l.name}`)).toEqual(['header:x-a', 'header:x-b', 'param:t', 'cookie:c'])
    expect(tokens(r, { authorization: 'Bearer a.b.c', 'x-a': 'T 1.2.3', 'x-b': 'raw value', cookie: 'a=1; c=4.5.6' }, 't=7.8.9')).toEqual(['1.2.3', 'raw value', '7.8.9', '4.5.6'])
  })

  it('decodes query parameters and takes the first of repeated ones', () => {
    expect(tokens(rule({ fromParams: ['t'] }), {}, 't=a%2Eb.c&t=second')).toEqual(['a.b.c'])
  })
})

const jwt = (payload: Record<string, unknown>): ParsedJwt => ({
  alg: 'RS256', kid: '', headerB64: 'h', payloadB64: 'p', signature: Buffer.alloc(0), payload, iss: 'i', sub: 's', audiences: [], exp: 0, nbf: 0,
})

describe('what a validated token writes', () => {
  it('claims to header values: strings, integers, booleans, nested paths; objects as base64 JSON; empty and absent: none', () => {
    const payload = { iat: 1562182722, ok: true, ratio: 0.5, nested: { a: { b: 'deep' } }, list: ['x'], empty: '' }
    expect(claimHeaderValue(payload, 'iat')).toBe('1562182722')
    expect(claimHeaderValue(payload, 'ok')).toBe('true')
    expect(claimHeaderValue(payload, 'ratio')).toBe('0.5')
    expect(claimHeaderValue(payload, 'nested.a.b')).toBe('deep')
    expect(claimHeaderValue(payload, 'list')).toBe(Buffer.from('["x"]').toString('base64'))
    expect(claimHeaderValue(payload, 'empty')).toBeUndefined()
    expect(claimHeaderValue(payload, 'missing')).toBeUndefined()
  })

  it('removes the token from its header unless forwardOriginalToken; never from a parameter', () => {
    const header = { token: 't', location: { kind: 'header' as const, name: 'authorization', prefix: 'Bearer ' } }
    const param = { token: 't', location: { kind: 'param' as const, name: 'access_token', prefix: '' } }
    expect(outputChanges(rule(), [{ found: header, jwt: jwt({}), claims: {} }])).toEqual(new Map([['authorization', undefined]]))
    expect(outputChanges(rule({ forwardOriginalToken: true }), [{ found: header, jwt: jwt({}), claims: {} }])).toEqual(new Map())
    expect(outputChanges(rule({ outputPayloadToHeader: 'x-p' }), [{ found: param, jwt: jwt({}), claims: {} }])).toEqual(new Map([['x-p', 'p']]))
  })

  it('splits scope, permission and spaceDelimitedClaims into words for the policies', () => {
    const claims = normalizedClaims(rule({ spaceDelimitedClaims: ['roles'] }), { scope: 'read  write', permission: 'a b', roles: 'x y', other: 'p q', nested: { scope: 'n m' } })
    expect(claims).toMatchObject({ scope: ['read', 'write'], permission: ['a', 'b'], roles: ['x', 'y'], other: 'p q', nested: { scope: 'n m' } })
  })
})

describe('remote.ip', () => {
  it('as a sidecar: the last X-Forwarded-For address, else the peer', () => {
    expect(remoteIp('10.0.0.9', '203.0.113.1, 198.51.100.7', undefined)).toBe('198.51.100.7')
    expect(remoteIp('10.0.0.9', undefined, undefined)).toBe('10.0.0.9')
    expect(remoteIp('10.0.0.9', 'not-an-ip', undefined)).toBe('10.0.0.9')
  })

  it('as a gateway with numTrustedProxies N: the Nth address from the right, else the peer', () => {
    expect(remoteIp('10.0.0.9', '203.0.113.1, 198.51.100.7', 0)).toBe('10.0.0.9')
    expect(remoteIp('10.0.0.9', '203.0.113.1, 198.51.100.7', 1)).toBe('198.51.100.7')
    expect(remoteIp('10.0.0.9', '203.0.113.1, 198.51.100.7', 2)).toBe('203.0.113.1')
    expect(remoteIp('10.0.0.9', '203.0.113.1, 198.51.100.7', 3)).toBe('10.0.0.9')
  })
})
