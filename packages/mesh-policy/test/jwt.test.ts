// RequestAuthentication semantics, per the reference page
// https://istio.io/latest/docs/reference/config/security/request_authentication/ ("RA"):
// "It will reject a request if the request contains invalid authentication information ... A request that
// does not contain any authentication credentials will be accepted but will not have any authenticated
// identity." Keys come from a real loopback JWKS server; tokens are real RS256 JWTs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportJWK, generateKeyPair, generateSecret, SignJWT } from 'jose'
import { getFreePort, type TestServer } from '@bookinfo/test-helpers'
import { createJwtAuthenticator, extractToken, type AuthnResult, type JwtAuthenticator } from '../src/index.ts'
import { createIssuer, startJwksServer, tamper, unsignedToken, type TestIssuer } from './helpers.ts'

const ISSUER = 'http://localhost:9090/'
const AUDIENCE = 'https://bookinfo.io'
const none = new URLSearchParams()

let idp: TestIssuer
let stranger: TestIssuer
let jwks: TestServer
let authn: JwtAuthenticator

beforeAll(async () => {
  idp = await createIssuer(ISSUER, 'idp-key')
  stranger = await createIssuer('https://stranger.invalid/', 'stranger-key')
  jwks = await startJwksServer([idp.jwk])
  authn = createJwtAuthenticator([{ issuer: ISSUER, jwksUri: `${jwks.url}/.well-known/jwks.json`, audiences: [AUDIENCE], forwardOriginalToken: true }])
})
afterAll(async () => { await jwks.close() })

const bearer = (token: string): string => `Bearer ${token}`
const rejected = (message: string): AuthnResult => ({ kind: 'rejected', message })

describe('token location (RA: default locations are the Authorization header and the access_token parameter)', () => {
  it('takes `Authorization: Bearer`, case-insensitively in the scheme', () => {
    expect(extractToken('Bearer abc', none)).toEqual({ token: 'abc', from: 'header' })
    expect(extractToken('bearer abc', none)).toEqual({ token: 'abc', from: 'header' })
  })
  it('falls back to the access_token query parameter', () => {
    expect(extractToken(undefined, new URLSearchParams('access_token=xyz'))).toEqual({ token: 'xyz', from: 'query' })
  })
  it('another scheme is no token', () => {
    expect(extractToken('Basic dXNlcjpwYXNz', none)).toBeUndefined()
  })
})

describe('RequestAuthentication', () => {
  it('a valid token yields the identity; the request principal is `<iss>/<sub>`', async () => {
    const token = await idp.sign({ sub: 'mod@bookinfo.com', permissions: ['read:book-reviews'], azp: 'productpage' }, { audience: AUDIENCE })
    const result = await authn.authenticate(bearer(token), none)
    expect(result).toMatchObject({
      kind: 'authenticated',
      forward: true,
      from: 'header',
      identity: { principal: 'http://localhost:9090//mod@bookinfo.com', audiences: [AUDIENCE], presenter: 'productpage' },
    })
  })

  it('"A request that does not contain any authentication credentials will be accepted" with no identity', async () => {
    expect(await authn.authenticate(undefined, none)).toEqual({ kind: 'anonymous' })
    expect(await authn.authenticate('Basic dXNlcjpwYXNz', none)).toEqual({ kind: 'anonymous' })
  })

  it('accepts `aud` as an array holding the audience (Auth0 adds its userinfo URL)', async () => {
    const token = await idp.sign({ sub: 'u' }, { audience: ['https://tenant.invalid/userinfo', AUDIENCE] })
    expect((await authn.authenticate(bearer(token), none)).kind).toBe('authenticated')
  })

  it('accepts a token in the access_token query parameter', async () => {
    const token = await idp.sign({ sub: 'u' }, { audience: AUDIENCE })
    expect(await authn.authenticate(undefined, new URLSearchParams({ access_token: token }))).toMatchObject({ kind: 'authenticated', from: 'query' })
  })

  it('rejects an expired token (beyond the 60 s clock skew Envoy allows)', async () => {
    const token = await idp.sign({ sub: 'u' }, { audience: AUDIENCE, expiresIn: Math.floor(Date.now() / 1000) - 3600 })
    expect(await authn.authenticate(bearer(token), none)).toEqual(rejected('Jwt is expired'))
  })

  it('accepts a token expired within the clock skew', async () => {
    const token = await idp.sign({ sub: 'u' }, { audience: AUDIENCE, expiresIn: Math.floor(Date.now() / 1000) - 10 })
    expect((await authn.authenticate(bearer(token), none)).kind).toBe('authenticated')
  })

  it('rejects a token that is not valid yet (nbf in the future)', async () => {
    const token = await idp.sign({ sub: 'u' }, { audience: AUDIENCE, notBefore: Math.floor(Date.now() / 1000) + 3600, expiresIn: '2h' })
    expect(await authn.authenticate(bearer(token), none)).toEqual(rejected('Jwt not yet valid'))
  })

  it('rejects a token whose issuer no rule names ("issuer not configured")', async () => {
    const token = await stranger.sign({ sub: 'u' }, { audience: AUDIENCE })
    expect(await authn.authenticate(bearer(token), none)).toEqual(rejected('Jwt issuer is not configured'))
  })

  it('rejects a token claiming our issuer but signed by another key', async () => {
    const forged = await createIssuer(ISSUER, 'idp-key')
    const token = await forged.sign({ sub: 'u' }, { audience: AUDIENCE })
    expect(await authn.authenticate(bearer(token), none)).toEqual(rejected('Jwt verification fails'))
  })

  it('rejects a tampered token (payload changed, signature kept)', async () => {
    const token = await idp.sign({ sub: 'u', permissions: ['read:book-details'] }, { audience: AUDIENCE })
    const changed = tamper(token, { iss: ISSUER, sub: 'u', aud: AUDIENCE, permissions: ['read:book-details', 'read:book-reviews'], exp: Math.floor(Date.now() / 1000) + 300 })
    expect(await authn.authenticate(bearer(changed), none)).toEqual(rejected('Jwt verification fails'))
  })

  it('rejects `alg: none`', async () => {
    const token = unsignedToken({ iss: ISSUER, sub: 'u', aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })
    expect(await authn.authenticate(bearer(token), none)).toEqual(rejected('Jwt verification fails'))
  })

  it('rejects a symmetric (HS256) token: algorithms are pinned to asymmetric ones', async () => {
    const token = await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE)
      .setExpirationTime('5m').sign(await generateSecret('HS256'))
    expect(await authn.authenticate(bearer(token), none)).toEqual(rejected('Jwt verification fails'))
  })

  it('rejects a wrong audience when the rule lists audiences', async () => {
    const token = await idp.sign({ sub: 'u' }, { audience: 'https://other-api.invalid' })
    expect(await authn.authenticate(bearer(token), none)).toEqual(rejected('Audiences in Jwt are not allowed'))
  })

  it('accepts any audience when the rule lists none', async () => {
    const anyAud = createJwtAuthenticator([{ issuer: ISSUER, jwks: { keys: [idp.jwk] }, forwardOriginalToken: false }])
    const token = await idp.sign({ sub: 'u' }, { audience: 'https://other-api.invalid' })
    expect(await anyAud.authenticate(bearer(token), none)).toMatchObject({ kind: 'authenticated', forward: false })
  })

  it('rejects garbage in the bearer slot', async () => {
    expect(await authn.authenticate('Bearer not-a-jwt', none)).toEqual(rejected('Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections'))
    expect(await authn.authenticate('Bearer a.b.c', none)).toEqual(rejected('Jwt payload is an invalid JSON'))
    // HTTP trims header values, so `Bearer ` arrives as `Bearer`: no token, as with Envoy's prefix match.
    expect(await authn.authenticate('Bearer ', none)).toEqual({ kind: 'anonymous' })
  })

  it('tries every rule for the issuer: the second key source accepts what the first cannot', async () => {
    const other = await createIssuer(ISSUER, 'rotated-key')
    const two = createJwtAuthenticator([
      { issuer: ISSUER, jwks: { keys: [idp.jwk] }, forwardOriginalToken: false },
      { issuer: ISSUER, jwks: { keys: [other.jwk] }, forwardOriginalToken: true },
    ])
    const token = await other.sign({ sub: 'u' })
    expect(await two.authenticate(bearer(token), none)).toMatchObject({ kind: 'authenticated', forward: true })
  })

  it('with no RequestAuthentication on the workload, tokens are ignored (no identity, no 401)', async () => {
    const nothing = createJwtAuthenticator([])
    expect(await nothing.authenticate('Bearer not-a-jwt', none)).toEqual({ kind: 'anonymous' })
  })

  it('an unreachable JWKS rejects the token (401), never an exception', async () => {
    const port = await getFreePort()
    const dead = createJwtAuthenticator([{ issuer: ISSUER, jwksUri: `http://127.0.0.1:${port}/jwks`, forwardOriginalToken: false }], { timeoutMs: 1000 })
    const token = await idp.sign({ sub: 'u' })
    expect(await dead.authenticate(bearer(token), none)).toEqual(rejected('Jwks remote fetch is failed'))
  })

  it('a JWKS endpoint answering an error status rejects the token', async () => {
    const { startTestServer } = await import('@bookinfo/test-helpers')
    const broken = await startTestServer((_req, res) => { res.statusCode = 500; res.end() })
    try {
      const a = createJwtAuthenticator([{ issuer: ISSUER, jwksUri: `${broken.url}/jwks`, forwardOriginalToken: false }])
      expect(await a.authenticate(bearer(await idp.sign({ sub: 'u' })), none)).toEqual(rejected('Jwks remote fetch is failed'))
    } finally {
      await broken.close()
    }
  })

  it('fetches the JWKS once and serves later tokens from the cache', async () => {
    const server = await startJwksServer([idp.jwk])
    try {
      const cached = createJwtAuthenticator([{ issuer: ISSUER, jwksUri: `${server.url}/jwks`, forwardOriginalToken: false }])
      for (let i = 0; i < 3; i++) {
        expect((await cached.authenticate(bearer(await idp.sign({ sub: `u${i}` })), none)).kind).toBe('authenticated')
      }
      expect(server.requests).toHaveLength(1)
    } finally {
      await server.close()
    }
  })

  it('accepts ES256 keys too (any asymmetric algorithm the JWKS offers)', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256')
    const jwk = { ...(await exportJWK(publicKey)), kid: 'ec', alg: 'ES256' }
    const ec = createJwtAuthenticator([{ issuer: ISSUER, jwks: { keys: [jwk] }, forwardOriginalToken: false }])
    const token = await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'ES256', kid: 'ec' }).setIssuer(ISSUER).setExpirationTime('5m').sign(privateKey)
    expect((await ec.authenticate(bearer(token), none)).kind).toBe('authenticated')
  })
})
