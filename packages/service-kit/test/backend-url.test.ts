import { describe, expect, it } from 'vitest'
import { backendUrl } from '../src/backend-url.ts'

describe('backendUrl', () => {
  it('is http://<host>:<port> without a domain', () => {
    expect(backendUrl('ratings', undefined, 9080)).toBe('http://ratings:9080')
    expect(backendUrl('ratings', '', 9080)).toBe('http://ratings:9080')
  })
  it('appends .<domain> when SERVICES_DOMAIN is set', () => {
    expect(backendUrl('ratings', 'bookinfo.svc.cluster.local', 9081)).toBe('http://ratings.bookinfo.svc.cluster.local:9081')
  })
})
