import { startTestServer, type TestServer } from '@bookinfo/test-helpers'
import { SignJWT, UnsecuredJWT, createRemoteJWKSet, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload, type JWTVerifyGetKey } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyIdToken, type IdTokenCheck } from '../src/auth/oidc/id-token.ts'

const ISSUER = 'https://tenant.example/'
const CLIENT = 'bookinfo-productpage'
const NONCE = 'n-0S6_WzA2Mj'

let key: CryptoKey
let otherKey: CryptoKey
let psKey: CryptoKey
let jwksServer: TestServer
let jwks: JWTVerifyGetKey

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true })
  key = pair.privateKey
  otherKey = (await generateKeyPair('RS256')).privateKey
  // An RSA-PSS key the IdP also publishes: a valid PS256 signature must still be refused (RS256 pinned).
  const ps = await generateKeyPair('PS256', { extractable: true })
  psKey = ps.privateKey
  // The public halves, published as an IdP would.
  const keys = [
    { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ps.publicKey)), kid: 'kps', alg: 'PS256', use: 'sig' },
  ]
  jwksServer = await startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ keys }))
  })
  jwks = createRemoteJWKSet(new URL(`${jwksServer.url}/.well-known/jwks.json`))
})

afterAll(async () => {
  await jwksServer.close()
})

const check = (over: Partial<IdTokenCheck> = {}): IdTokenCheck => ({ issuer: ISSUER, clientId: CLIENT, nonce: NONCE, jwks, ...over })

interface SignOptions {
  alg?: string
  kid?: string
  signingKey?: CryptoKey | Uint8Array
  iss?: string
  aud?: string | string[]
  iat?: number
  exp?: number | string
}

async function sign (claims: JWTPayload = {}, opts: SignOptions = {}): Promise<string> {
  const jwt = new SignJWT({ nonce: NONCE, nickname: 'user', ...claims })
    .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: opts.kid ?? 'k1', typ: 'JWT' })
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? CLIENT)
    .setSubject('auth0|bookinfo-user')
    .setIssuedAt(opts.iat)
    .setExpirationTime(opts.exp ?? '10h')
  return jwt.sign(opts.signingKey ?? key)
}

describe('verifyIdToken', () => {
  it('accepts a token signed by the IdP key for us, with our nonce', async () => {
    const result = await verifyIdToken(await sign(), check())
    expect(result.ok).toBe(true)
    if (result.ok) {
      expect(result.claims.sub).toBe('auth0|bookinfo-user')
      expect(result.claims.nickname).toBe('user')
    }
  })

  it('accepts aud as an array holding our client id when azp names us', async () => {
    const token = await sign({ azp: CLIENT }, { aud: [CLIENT, 'https://bookinfo.io'] })
    expect((await verifyIdToken(token, check())).ok).toBe(true)
  })

  it.each([
    ['another nonce (a replayed or injected token)', () => sign({ nonce: 'someone-else' }), 'nonce mismatch'],
    ['no nonce', () => sign({ nonce: undefined }), 'nonce'],
    ['the issuer without its trailing slash', () => sign({}, { iss: 'https://tenant.example' }), 'ERR_JWT_CLAIM_VALIDATION_FAILED (iss: check_failed)'],
    ['another audience', () => sign({}, { aud: 'another-client' }), 'ERR_JWT_CLAIM_VALIDATION_FAILED (aud: check_failed)'],
    ['the API audience only (an access token used as an ID token)', () => sign({}, { aud: 'https://bookinfo.io' }), 'aud'],
    ['several audiences and no azp', () => sign({}, { aud: [CLIENT, 'another-client'] }), 'azp'],
    ['azp of another client', () => sign({ azp: 'another-client' }), 'azp'],
    ['an expired token', () => sign({}, { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }), 'ERR_JWT_EXPIRED'],
    ['a token issued in the future', () => sign({}, { iat: Math.floor(Date.now() / 1000) + 3600 }), 'iat in the future'],
    ['a key the IdP does not publish', () => sign({}, { signingKey: otherKey }), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
    ['an unknown kid', () => sign({}, { signingKey: otherKey, kid: 'k2' }), 'ERR_JWKS_NO_MATCHING_KEY'],
    ['PS256 with a published key (only RS256 is allowed)', () => sign({}, { alg: 'PS256', kid: 'kps', signingKey: psKey }), 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['HS256 with a shared secret', () => sign({}, { alg: 'HS256', signingKey: new TextEncoder().encode('x'.repeat(32)) }), 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['alg none', async () => new UnsecuredJWT({ nonce: NONCE }).setIssuer(ISSUER).setAudience(CLIENT).setSubject('s').setIssuedAt().setExpirationTime('1h').encode(), 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['garbage', async () => 'not.a.jwt', 'ERR_JW'],
    ['an empty string', async () => '', 'ERR_JW'],
  ])('rejects %s', async (_name, make, reason) => {
    const token = await make()
    const result = await verifyIdToken(token, check())
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.reason).toContain(reason)
      if (token.length > 20) expect(result.reason).not.toContain(token.split('.')[1])
    }
  })

  it('rejects a tampered payload (the signature no longer matches)', async () => {
    const [header, payload, signature] = (await sign()).split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>
    const forged = Buffer.from(JSON.stringify({ ...claims, nickname: 'jason' })).toString('base64url')
    const result = await verifyIdToken(`${header}.${forged}.${signature}`, check())
    expect(result).toEqual({ ok: false, reason: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' })
  })

  it('rejects a tampered signature', async () => {
    const token = await sign()
    const flipped = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    expect((await verifyIdToken(flipped, check())).ok).toBe(false)
  })

  it('uses the given clock: a valid token is expired 11 hours later', async () => {
    const token = await sign()
    expect((await verifyIdToken(token, check({ now: Date.now() + 9 * 3600_000 }))).ok).toBe(true)
    const later = await verifyIdToken(token, check({ now: Date.now() + 11 * 3600_000 }))
    expect(later).toEqual({ ok: false, reason: 'ERR_JWT_EXPIRED (exp: check_failed)' })
  })

  it('an unreachable JWKS is a rejection, not an exception', async () => {
    const dead = createRemoteJWKSet(new URL('http://127.0.0.1:1/jwks.json'), { timeoutDuration: 500 })
    const result = await verifyIdToken(await sign(), check({ jwks: dead }))
    expect(result.ok).toBe(false)
  })
})
