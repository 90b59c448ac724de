import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startIdp, type RunningIdp } from './fixture.ts'

let idp: RunningIdp

beforeAll(async () => {
  idp = await startIdp()
})

afterAll(async () => {
  await idp.proc.stop()
})

async function discovery (init: RequestInit = {}): Promise<Record<string, unknown>> {
  const res = await fetch(new URL('/.well-known/openid-configuration', idp.base), init)
  expect(res.status).toBe(200)
  return await res.json() as Record<string, unknown>
}

describe('discovery', () => {
  it('issuer with its trailing slash and Auth0\'s endpoint paths, all on the public issuer', async () => {
    const doc = await discovery()
    expect(doc.issuer).toBe(idp.issuer)
    expect(String(doc.issuer).endsWith('/')).toBe(true)
    expect(doc.authorization_endpoint).toBe(`${idp.issuer}authorize`)
    expect(doc.token_endpoint).toBe(`${idp.issuer}oauth/token`)
    expect(doc.userinfo_endpoint).toBe(`${idp.issuer}userinfo`)
    expect(doc.jwks_uri).toBe(`${idp.issuer}.well-known/jwks.json`)
    expect(doc.end_session_endpoint).toBe(`${idp.issuer}oidc/logout`)
    expect(doc.revocation_endpoint).toBe(`${idp.issuer}oauth/revoke`)
  })

  it('the same document whatever Host or forwarded headers the caller sends', async () => {
    const doc = await discovery({ headers: { 'x-forwarded-host': 'attacker.invalid', 'x-forwarded-proto': 'https' } })
    expect(doc.authorization_endpoint).toBe(`${idp.issuer}authorize`)
    expect(doc.token_endpoint).toBe(`${idp.issuer}oauth/token`)
  })

  it('PKCE S256 only, RS256 ID tokens, code flow, the scopes and claims productpage asks for', async () => {
    const doc = await discovery()
    expect(doc.code_challenge_methods_supported).toEqual(['S256'])
    expect(doc.id_token_signing_alg_values_supported).toEqual(['RS256'])
    expect(doc.response_types_supported).toEqual(['code'])
    expect(doc.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']))
    expect(doc.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']))
    expect(doc.claims_supported).toEqual(expect.arrayContaining(['sub', 'nickname', 'name', 'email', 'email_verified']))
    expect(doc.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post']))
  })

  it('the JWKS holds public RS256 keys only', async () => {
    const res = await fetch(new URL('/.well-known/jwks.json', idp.base))
    expect(res.status).toBe(200)
    const { keys } = await res.json() as { keys: Array<Record<string, unknown>> }
    expect(keys.length).toBeGreaterThan(0)
    for (const key of keys) {
      expect(key.kty).toBe('RSA')
      expect(typeof key.kid).toBe('string')
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key[secret]).toBeUndefined()
    }
    expect(keys.some((k) => k.alg === 'RS256' || k.alg === undefined)).toBe(true)
  })

  it('/health answers JSON for probes', async () => {
    const res = await fetch(new URL('/health', idp.base))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'UP', issuer: idp.issuer })
    expect((await fetch(new URL('/health', idp.base), { method: 'POST' })).status).toBe(405)
  })

  it('unknown paths → 404, not a 5xx', async () => {
    const res = await fetch(new URL('/no/such/thing', idp.base))
    expect(res.status).toBe(404)
  })
})
