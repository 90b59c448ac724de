import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import {
  API, CLIENT_ID, PERSONAS, exchangeCode, loginAs, startIdp, tokenRequest,
  type RunningIdp, type TokenResponse,
} from './fixture.ts'

let idp: RunningIdp
let jwks: ReturnType<typeof createRemoteJWKSet>
/** Every credential the IdP handed out or received, checked against its output at the end. */
const secrets = new Set<string>()

beforeAll(async () => {
  idp = await startIdp()
  jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', idp.base))
})

afterAll(async () => {
  await idp.proc.stop()
})

function remember (tokens: TokenResponse): void {
  for (const key of ['access_token', 'id_token', 'refresh_token']) {
    const value = tokens.body[key]
    if (typeof value === 'string') secrets.add(value)
  }
}

describe.each(Object.entries(PERSONAS))('authorization code + PKCE as %s', (_name, persona) => {
  let tokens: TokenResponse
  let nonce: string

  beforeAll(async () => {
    const login = await loginAs(idp, persona)
    secrets.add(login.code)
    nonce = login.nonce
    tokens = await exchangeCode(idp, login)
    remember(tokens)
  })

  it('gets a bearer access token and an ID token', () => {
    expect(tokens.status).toBe(200)
    expect(tokens.body.token_type).toBe('Bearer')
    expect(typeof tokens.body.access_token).toBe('string')
    expect(typeof tokens.body.id_token).toBe('string')
    expect(tokens.body.expires_in).toBe(3600)
    // No offline_access requested: no refresh token, as with Auth0.
    expect(tokens.body.refresh_token).toBeUndefined()
  })

  it('access token: RS256 JWT for the API with the persona\'s permissions, verifiable with the JWKS', async () => {
    const token = tokens.body.access_token as string
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' })
    const { payload } = await jwtVerify(token, jwks, { issuer: idp.issuer, audience: API, algorithms: ['RS256'] })
    expect(payload.iss).toBe(idp.issuer)
    expect(payload.iss?.endsWith('/')).toBe(true)
    // Auth0's shape: the API plus the tenant's userinfo.
    expect(payload.aud).toEqual([API, `${idp.issuer}userinfo`])
    expect(payload.permissions).toEqual(persona.permissions)
    expect(payload.azp).toBe(CLIENT_ID)
    expect(String(payload.scope).split(' ').sort()).toEqual(['email', 'openid', 'profile'])
    expect(payload.sub).toMatch(/^auth0\|/)
  })

  it('ID token: RS256, for the client, with the nonce sent and the persona\'s nickname and email', async () => {
    const token = tokens.body.id_token as string
    expect(decodeProtectedHeader(token).alg).toBe('RS256')
    const { payload } = await jwtVerify(token, jwks, { issuer: idp.issuer, audience: CLIENT_ID, algorithms: ['RS256'] })
    expect(payload.nonce).toBe(nonce)
    expect(payload.nickname).toBe(persona.nickname)
    expect(payload.email).toBe(persona.email)
    expect(payload.email_verified).toBe(true)
    expect(typeof payload.name).toBe('string')
    expect(payload.permissions).toBeUndefined()
  })

  it('/userinfo answers the access token with the same identity', async () => {
    const res = await fetch(new URL('/userinfo', idp.base), { headers: { authorization: `Bearer ${tokens.body.access_token as string}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    const body = await res.json() as Record<string, unknown>
    const { payload } = await jwtVerify(tokens.body.id_token as string, jwks, { issuer: idp.issuer, audience: CLIENT_ID })
    expect(body).toEqual({ sub: payload.sub, nickname: persona.nickname, name: payload.name, email: persona.email, email_verified: true })
  })
})

describe('token endpoint', () => {
  it('accepts client_secret_post as well as client_secret_basic', async () => {
    const login = await loginAs(idp, PERSONAS.user)
    secrets.add(login.code)
    const tokens = await exchangeCode(idp, login, 'post')
    remember(tokens)
    expect(tokens.status).toBe(200)
    expect(typeof tokens.body.access_token).toBe('string')
  })

  it('rejects a replayed authorization code with invalid_grant', async () => {
    const login = await loginAs(idp, PERSONAS.mod)
    secrets.add(login.code)
    const first = await exchangeCode(idp, login)
    remember(first)
    expect(first.status).toBe(200)
    const second = await exchangeCode(idp, login)
    expect(second.status).toBe(400)
    expect(second.body.error).toBe('invalid_grant')
  })

  it('rejects a wrong code_verifier with invalid_grant', async () => {
    const login = await loginAs(idp, PERSONAS.user)
    secrets.add(login.code)
    const res = await exchangeCode(idp, { ...login, verifier: 'x'.repeat(43) })
    expect(res.status).toBe(400)
    expect(res.body.error).toBe('invalid_grant')
  })

  it('rejects a wrong client secret with invalid_client', async () => {
    const login = await loginAs(idp, PERSONAS.user)
    secrets.add(login.code)
    const res = await tokenRequest(idp, { grant_type: 'authorization_code', code: login.code, redirect_uri: 'http://localhost:9080/callback', code_verifier: login.verifier }, 'basic', 'not-the-secret')
    expect(res.status).toBe(401)
    expect(res.body.error).toBe('invalid_client')
  })

  it('issues a refresh token for offline_access, and the refreshed access token keeps the permissions', async () => {
    const login = await loginAs(idp, PERSONAS.mod, { scope: 'openid profile email offline_access' })
    secrets.add(login.code)
    const tokens = await exchangeCode(idp, login)
    remember(tokens)
    expect(tokens.status).toBe(200)
    expect(typeof tokens.body.refresh_token).toBe('string')
    const refreshed = await tokenRequest(idp, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token as string })
    remember(refreshed)
    expect(refreshed.status).toBe(200)
    const { payload } = await jwtVerify(refreshed.body.access_token as string, jwks, { issuer: idp.issuer, audience: API })
    expect(payload.permissions).toEqual(PERSONAS.mod.permissions)
  })
})

describe('/userinfo', () => {
  it('401 without a bearer token', async () => {
    const res = await fetch(new URL('/userinfo', idp.base))
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /)
    expect((await res.json() as { error: string }).error).toBe('invalid_token')
  })

  it('401 for a token that is not ours or is malformed', async () => {
    for (const token of ['garbage', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']) {
      const res = await fetch(new URL('/userinfo', idp.base), { headers: { authorization: `Bearer ${token}` } })
      expect(res.status).toBe(401)
    }
  })

  it('401 for an ID token (audience is the client, not userinfo)', async () => {
    const login = await loginAs(idp, PERSONAS.user)
    secrets.add(login.code)
    const tokens = await exchangeCode(idp, login)
    remember(tokens)
    const res = await fetch(new URL('/userinfo', idp.base), { headers: { authorization: `Bearer ${tokens.body.id_token as string}` } })
    expect(res.status).toBe(401)
  })

  it('405 for other methods', async () => {
    const res = await fetch(new URL('/userinfo', idp.base), { method: 'DELETE' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, POST')
  })
})

describe('captured process output', () => {
  it('never contains a password, the client secret, a code or a token', async () => {
    expect(secrets.size).toBeGreaterThan(10)
    const output = idp.proc.output()
    expect(output).toContain(idp.issuer)
    for (const value of [...secrets, ...Object.values(PERSONAS).map((p) => p.password), 'test-secret-9f8e7d6c5b4a']) {
      expect(output).not.toContain(value)
    }
  })
})
