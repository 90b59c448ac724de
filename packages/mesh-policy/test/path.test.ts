// Request targets: what `paths` match, and which targets are refused because a router could read them
// differently from the policy (Envoy normalises such paths before RBAC; we refuse them).
import { describe, expect, it } from 'vitest'
import { parseTarget } from '../src/index.ts'

describe('parseTarget', () => {
  it('splits off the query string', () => {
    const t = parseTarget('/details/0?a=1&access_token=x')
    expect(t?.path).toBe('/details/0')
    expect(t?.query.get('access_token')).toBe('x')
  })

  it.each(['/a/./b', '/a/../b', '/..', '/a/.', '/a\\b', '*', 'http://h/a', '/a#b'])('refuses %s', (url) => {
    expect(parseTarget(url)).toBeUndefined()
  })

  it('refuses every escape of an unreserved character, in either case', () => {
    const unreserved = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~'
    for (const ch of unreserved) {
      const hex = ch.charCodeAt(0).toString(16)
      expect(parseTarget(`/x%${hex.toUpperCase()}`), ch).toBeUndefined()
      expect(parseTarget(`/x%${hex.toLowerCase()}`), ch).toBeUndefined()
    }
  })

  it('keeps escapes of reserved and non-ASCII characters, and dots inside names', () => {
    for (const url of ['/a%2Fb', '/a%20b', '/caf%C3%A9', '/static/app.min.js', '/a..b', '/.well-known/jwks.json']) {
      expect(parseTarget(url)?.path, url).toBe(url)
    }
  })
})
