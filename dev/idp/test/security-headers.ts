import type { WireAnswer } from '@bookinfo/test-helpers/hostile-wire'
import { expect } from 'vitest'

/** Every HTML page the IdP sends carries the security headers. */
export function expectSecurityHeaders (res: Pick<WireAnswer, 'headers'> | { headers: Headers }): void {
  const get = (name: string) => res.headers instanceof Headers ? res.headers.get(name) : res.headers[name]
  const csp = String(get('content-security-policy'))
  expect(csp).toContain("default-src 'none'")
  expect(csp).toContain("frame-ancestors 'none'")
  expect(csp).toMatch(/form-action 'self'( [^;]+)?;/)
  expect(csp).not.toContain('unsafe-inline')
  expect(get('x-frame-options')).toBe('DENY')
  expect(get('x-content-type-options')).toBe('nosniff')
  expect(get('referrer-policy')).toBe('no-referrer')
}
