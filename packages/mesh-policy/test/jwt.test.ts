// Token parsing and verification as Envoy's jwt_authn does it (the statuses and their order), with real
// keys; the request-level answers are in conformance/.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { exportJWK, generateKeyPair, generateSecret, SignJWT } from 'jose'
import { getFreePort, startTestServer, type TestServer } from '@bookinfo/test-helpers'
import { createAuthenticator } from '../src/authn/authenticate.ts'
import { keysOf, verifySignature } from '../src/authn/keys.ts'
import { parseJwt } from '../src/authn/token.ts'
import { createIssuer, startJwksServer, tamper, unsignedToken, type TestIssuer } from './helpers.ts'

const ISSUER = 'http://localhost:9090/'
const b64 = (o: unknown): string => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url')
const OPTS = { timeoutMs: 1000, cooldownMs: 30_000, cacheMaxAgeMs: 300_000 }
const carrier = (token?: string, query = '') => ({ header: (n: string) => (n === 'authorization' && token ? `Bearer ${token}` : undefined), query })

let idp: TestIssuer
let jwks: TestServer
beforeAll(async () => {
  idp = await createIssuer(ISSUER, 'idp-key')
  jwks = await startJwksServer([idp.jwk])
})
afterAll(async () => { await jwks.close() })

describe('parseJwt (jwt_verify_lib Jwt::parseFromString)', () => {
  const header = b64({ alg: 'RS256', kid: 'k' })
  it.each([
    ['one part', 'abc', 'badFormat'],
    ['alg none without a signature (two non-empty parts)', unsignedToken({ iss: ISSUER }), 'badFormat'],
    ['a header that is not base64url', `a*b.${b64({})}.c2ln`, 'headerBadBase64'],
    ['a header that is not JSON', `${b64('nope')}.${b64({})}.c2ln`, 'headerBadJson'],
    ['no alg', `${b64({ typ: 'JWT' })}.${b64({})}.c2ln`, 'headerBadAlg'],
    ['alg none with a signature', `${b64({ alg: 'none' })}.${b64({})}.c2ln`, 'headerNotImplementedAlg'],
    ['a numeric kid', `${b64({ alg: 'RS256', kid: 7 })}.${b64({})}.c2ln`, 'headerBadKid'],
    ['a payload that is not JSON', `${header}.${b64('[1,2]')}.c2ln`, 'payloadBadJson'],
    ['a numeric iss', `${header}.${b64({ iss: 1 })}.c2ln`, 'issNotString'],
    ['a string exp', `${header}.${b64({ exp: 'tomorrow' })}.c2ln`, 'expNotInteger'],
    ['a negative exp', `${header}.${b64({ exp: -5 })}.c2ln`, 'expOutOfRange'],
    ['an aud list with a number', `${header}.${b64({ aud: ['a', 1] })}.c2ln`, 'audNotString'],
    ['a signature that is not base64url', `${header}.${b64({})}.si+gn`, 'signatureBadBase64'],
  ])('%s → %s', (_what, token, status) => {
    expect(parseJwt(token)).toBe(status)
  })

  it('skips empty parts as Envoy does: `h..p.s` is three parts', () => {
    expect(parseJwt(`${header}..${b64({ iss: 'i' })}.c2ln`)).toMatchObject({ alg: 'RS256', iss: 'i' })
  })
})

describe('signatures (jwt_verify_lib verifyJwtWithoutTimeChecking)', () => {
  it('tries keys whose kid and alg agree: none → "no key", tried and failed → "verification fails"', async () => {
    const token = await idp.sign({ sub: 'u' })
    const jwt = parseJwt(token)
    if (typeof jwt === 'string') throw new Error(jwt)
    expect(verifySignature(jwt, keysOf({ keys: [idp.jwk] }))).toBe('ok')
    expect(verifySignature(jwt, keysOf({ keys: [{ ...idp.jwk, kid: 'other' }] }))).toBe('jwksKidAlgMismatch')
    expect(verifySignature(jwt, keysOf({ keys: [{ ...idp.jwk, alg: 'RS384' }] }))).toBe('jwksKidAlgMismatch')
    const other = await createIssuer(ISSUER, 'idp-key')
    expect(verifySignature(jwt, keysOf({ keys: [other.jwk] }))).toBe('verificationFail')
  })

  it.each(['ES256', 'PS256', 'EdDSA'] as const)('verifies %s signatures', async (alg) => {
    const { publicKey, privateKey } = await generateKeyPair(alg, { crv: alg === 'EdDSA' ? 'Ed25519' : undefined })
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg }
    const jwt = parseJwt(await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg, kid: 'k' }).sign(privateKey))
    if (typeof jwt === 'string') throw new Error(jwt)
    expect(verifySignature(jwt, keysOf({ keys: [jwk] }))).toBe('ok')
  })

  it('an HS256 token is not verified with a public RSA key', async () => {
    const jwt = parseJwt(await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'HS256', kid: 'idp-key' }).sign(await generateSecret('HS256')))
    if (typeof jwt === 'string') throw new Error(jwt)
    expect(verifySignature(jwt, keysOf({ keys: [idp.jwk] }))).toBe('jwksKidAlgMismatch')
  })
})

describe('createAuthenticator', () => {
  const one = () => createAuthenticator([{ issuer: ISSUER, jwksUri: `${jwks.url}/jwks`, audiences: ['https://bookinfo.io'], forwardOriginalToken: false }], OPTS)

  it('checks the audience before the signature: a forged token for another API is 403-bound, not 401', async () => {
    const token = await idp.sign({ sub: 'u' }, { audience: 'https://other.example' })
    const forged = tamper(token, { iss: ISSUER, sub: 'u', aud: 'https://other.example', exp: Math.floor(Date.now() / 1000) + 60 })
    expect(await one().authenticate(carrier(forged))).toEqual({ kind: 'rejected', status: 'audienceNotAllowed' })
  })

  it('checks time before the signature, with 60 s of skew', async () => {
    const now = Math.floor(Date.now() / 1000)
    expect(await one().authenticate(carrier(await idp.sign({ sub: 'u' }, { audience: 'https://bookinfo.io', expiresIn: now - 30 })))).toMatchObject({ kind: 'authenticated' })
    expect(await one().authenticate(carrier(await idp.sign({ sub: 'u' }, { audience: 'https://bookinfo.io', expiresIn: now - 120 })))).toEqual({ kind: 'rejected', status: 'expired' })
    expect(await one().authenticate(carrier(await idp.sign({ sub: 'u' }, { audience: 'https://bookinfo.io', notBefore: now + 3600, expiresIn: '2h' })))).toEqual({ kind: 'rejected', status: 'notYetValid' })
  })

  it('no rules: tokens are ignored; no token: anonymous', async () => {
    expect(await createAuthenticator([], OPTS).authenticate(carrier('garbage'))).toEqual({ kind: 'anonymous' })
    expect(await one().authenticate(carrier())).toEqual({ kind: 'anonymous' })
  })

  it('several rules: the real error wins over "issuer not configured" (Envoy RequiresAny)', async () => {
    const two = createAuthenticator([
      { issuer: 'https://a.example/', jwksUri: `${jwks.url}/jwks`, forwardOriginalToken: false },
      { issuer: ISSUER, jwksUri: `${jwks.url}/jwks`, forwardOriginalToken: false },
      { issuer: 'https://z.example/', jwksUri: `${jwks.url}/jwks`, forwardOriginalToken: false },
    ], OPTS)
    const expired = await idp.sign({ sub: 'u' }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 })
    expect(await two.authenticate(carrier(expired))).toEqual({ kind: 'rejected', status: 'expired' })
    const stranger = await (await createIssuer('https://stranger.example/', 'idp-key')).sign({ sub: 'u' })
    expect(await two.authenticate(carrier(stranger))).toEqual({ kind: 'rejected', status: 'unknownIssuer' })
  })

  it('fetches a JWKS once and serves later tokens from the cache', async () => {
    const server = await startJwksServer([idp.jwk])
    try {
      const a = createAuthenticator([{ issuer: ISSUER, jwksUri: `${server.url}/jwks`, forwardOriginalToken: false }], OPTS)
      for (let i = 0; i < 3; i++) expect((await a.authenticate(carrier(await idp.sign({ sub: `u${i}` })))).kind).toBe('authenticated')
      expect(server.requests).toHaveLength(1)
    } finally {
      await server.close()
    }
  })

  it('re-checks the time of a token verified before (the verification cache keeps no expired token alive)', async () => {
    const a = createAuthenticator([{ issuer: ISSUER, jwks: { keys: [idp.jwk] }, forwardOriginalToken: false }], OPTS)
    const token = await idp.sign({ sub: 'u' }, { expiresIn: '10s' })
    expect((await a.authenticate(carrier(token))).kind).toBe('authenticated')
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 120_000 })
    try {
      expect(await a.authenticate(carrier(token))).toEqual({ kind: 'rejected', status: 'expired' })
    } finally {
      vi.useRealTimers()
    }
  })

  it('refetches once for a token whose kid the cached keys lack (a restarted IdP), then serves it', async () => {
    const rotated = await createIssuer(ISSUER, 'rotated-key')
    let keys = [idp.jwk]
    const server = await startTestServer((_req, res) => { res.end(JSON.stringify({ keys })) })
    try {
      const a = createAuthenticator([{ issuer: ISSUER, jwksUri: `${server.url}/jwks`, forwardOriginalToken: false }], { ...OPTS, cooldownMs: 0 })
      expect((await a.authenticate(carrier(await idp.sign({ sub: 'u' })))).kind).toBe('authenticated')
      keys = [rotated.jwk]
      expect((await a.authenticate(carrier(await rotated.sign({ sub: 'u' })))).kind).toBe('authenticated')
      expect(server.requests).toHaveLength(2)
    } finally {
      await server.close()
    }
  })

  it('a token verified before is refused once its key has left the JWKS (refetched for a new kid)', async () => {
    const rotated = await createIssuer(ISSUER, 'rotated-key')
    let keys = [idp.jwk]
    const server = await startTestServer((_req, res) => { res.end(JSON.stringify({ keys })) })
    try {
      const a = createAuthenticator([{ issuer: ISSUER, jwksUri: `${server.url}/jwks`, forwardOriginalToken: false }], { ...OPTS, cooldownMs: 0 })
      const old = await idp.sign({ sub: 'u' })
      expect((await a.authenticate(carrier(old))).kind).toBe('authenticated')
      expect(a.authenticate(carrier(old))).toMatchObject({ kind: 'authenticated' })
      keys = [rotated.jwk]
      expect((await a.authenticate(carrier(await rotated.sign({ sub: 'u' })))).kind).toBe('authenticated')
      expect(await a.authenticate(carrier(old))).toEqual({ kind: 'rejected', status: 'jwksKidAlgMismatch' })
    } finally {
      await server.close()
    }
  })

  it('a token verified before is refused once the JWKS, fetched again when its cache ages out, lacks its key', async () => {
    let keys = [idp.jwk]
    const server = await startTestServer((_req, res) => { res.end(JSON.stringify({ keys })) })
    try {
      const a = createAuthenticator([{ issuer: ISSUER, jwksUri: `${server.url}/jwks`, forwardOriginalToken: false }], OPTS)
      const token = await idp.sign({ sub: 'u' }, { expiresIn: '1h' })
      expect((await a.authenticate(carrier(token))).kind).toBe('authenticated')
      keys = [(await createIssuer(ISSUER, 'other-key')).jwk]
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + OPTS.cacheMaxAgeMs - 1000 })
      expect(a.authenticate(carrier(token))).toMatchObject({ kind: 'authenticated' })
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 2000 })
      expect(await a.authenticate(carrier(token))).toEqual({ kind: 'rejected', status: 'jwksKidAlgMismatch' })
    } finally {
      vi.useRealTimers()
      await server.close()
    }
  })

  it('an unreachable JWKS or an error status rejects the token ("Jwks remote fetch is failed")', async () => {
    const broken = await startTestServer((_req, res) => { res.statusCode = 500; res.end() })
    try {
      for (const uri of [`http://127.0.0.1:${await getFreePort()}/jwks`, `${broken.url}/jwks`]) {
        const a = createAuthenticator([{ issuer: ISSUER, jwksUri: uri, forwardOriginalToken: false }], OPTS)
        expect(await a.authenticate(carrier(await idp.sign({ sub: 'u' })))).toEqual({ kind: 'rejected', status: 'jwksFetchFail' })
      }
    } finally {
      await broken.close()
    }
  })
})
