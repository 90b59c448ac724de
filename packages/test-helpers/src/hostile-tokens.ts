import { createHmac, randomUUID } from 'node:crypto'
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'
import { fileURLToPath } from 'node:url'
import { startTestServer, type TestServer } from './http-server.ts'
import { checkHostile, expectNoEcho, fc, type Injectable } from './hostile.ts'

/** An RS256 issuer as the IdP is one: its key pair, the public JWK (serve it as a JWKS) and a signer. */
export interface TokenIssuer {
  issuer: string
  kid: string
  publicJwk: JWK
  publicPem: string
  /** The private key as a JWK (for an IdP's keys file: IDP_KEYS_FILE). */
  privateJwk: JWK
  /** A genuine token: `claims` plus iss, iat and a 5-minute exp, signed with the issuer's key. */
  sign: (claims: JWTPayload, header?: Record<string, unknown>) => Promise<string>
}

interface Keys { privateKey: CryptoKey, publicJwk: JWK }

async function rsaKeys (): Promise<Keys & { publicKey: CryptoKey }> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true })
  return { publicKey, privateKey, publicJwk: await exportJWK(publicKey) }
}

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
const nowS = (): number => Math.floor(Date.now() / 1000)

async function signWith (key: CryptoKey, payload: JWTPayload, header: Record<string, unknown>): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', ...header }).sign(key)
}

export async function createTokenIssuer (issuer: string, kid = 'hostile-suite-key'): Promise<TokenIssuer> {
  const keys = await rsaKeys()
  const publicJwk = { ...keys.publicJwk, kid, alg: 'RS256', use: 'sig' }
  const publicPem = await exportSPKI(keys.publicKey)
  return {
    issuer,
    kid,
    publicJwk,
    publicPem,
    privateJwk: { ...(await exportJWK(keys.privateKey)), kid, alg: 'RS256', use: 'sig' },
    sign: (claims, header = {}) => signWith(keys.privateKey, { iss: issuer, iat: nowS(), exp: nowS() + 300, ...claims }, { kid, typ: 'JWT', ...header }),
  }
}

/** One forged token: what it tries, and how to make it from the claims a genuine token would carry. */
export interface TokenAttack {
  attack: string
  forge: (claims: JWTPayload) => Promise<string>
}

function hmacToken (header: object, payload: object, key: string): string {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`
}

const NON_JSON = ['e30.e30.x', 'e30.e30.', 'e30..', '..', '.', '', 'a.b.c', 'a.b', 'a.b.c.d', 'a.b.c.d.e', 'eyJhbGciOiJSUzI1NiJ9',
  `${b64('not json')}.${b64('{]')}.sig`, `${b64('{"alg":"RS256"}')}.${b64('[]')}.sig`, `${b64('{"alg":"RS256"}')}.${b64('"a string"')}.sig`,
  `${b64('{"alg":"RS256"}')}.${b64('null')}.sig`, `${b64('{"alg":["RS256"]}')}.e30.sig`, `${b64('{"alg":"RS256","kid":{}}')}.e30.sig`,
  'eyJ+/=.eyJ+/=.+/=', '\u00e9.\u00e9.\u00e9', `${'A'.repeat(40)}===.e30.x`]

/**
 * Forged access or ID tokens against `issuer`: `alg: none`, HS256 keyed with the public key, an unknown kid,
 * an embedded `jwk` or a `jku`, expired, not yet valid (nbf), issued in the future, another issuer or audience,
 * a tampered payload, claims of the wrong type, oversized, and segments that are not JSON. Every one must be
 * refused wherever a token is checked.
 */
export async function hostileTokens (issuer: TokenIssuer, audience: string, header: Record<string, unknown> = {}): Promise<fc.Arbitrary<TokenAttack>> {
  const attacker = await rsaKeys()
  const attackerJwk = { ...attacker.publicJwk, kid: issuer.kid, alg: 'RS256' }
  const forged = (payload: JWTPayload, extra: Record<string, unknown> = {}) => signWith(attacker.privateKey, payload, { kid: issuer.kid, typ: 'JWT', ...header, ...extra })
  // Signed with the real key: everything right but the one thing the attack changes.
  const real = (payload: JWTPayload) => issuer.sign(payload, header)
  const genuine = (claims: JWTPayload): JWTPayload => ({ iss: issuer.issuer, aud: audience, iat: nowS(), exp: nowS() + 300, ...claims })
  const attack = (name: string, forge: TokenAttack['forge']): fc.Arbitrary<TokenAttack> => fc.constant({ attack: name, forge })

  return fc.oneof(
    fc.tuple(fc.constantFrom('none', 'None', 'NONE', 'nOnE'), fc.constantFrom('', 'x', 'AAAA')).map(([alg, sig]): TokenAttack => ({
      attack: `alg ${alg}`, forge: async (c) => `${b64({ alg, typ: 'JWT' })}.${b64(genuine(c))}.${sig}`,
    })),
    fc.constantFrom<[string, (i: TokenIssuer) => string]>(['PEM', (i) => i.publicPem], ['JWK JSON', (i) => JSON.stringify(i.publicJwk)], ['modulus', (i) => String(i.publicJwk.n)])
      .map(([what, key]): TokenAttack => ({ attack: `HS256 keyed with the public key (${what})`, forge: async (c) => hmacToken({ alg: 'HS256', typ: 'JWT', kid: issuer.kid }, genuine(c), key(issuer)) })),
    attack('unknown kid', (c) => forged(genuine(c), { kid: randomUUID() })),
    attack('embedded jwk', (c) => forged(genuine(c), { jwk: attackerJwk })),
    attack('jku to another host', (c) => forged(genuine(c), { kid: randomUUID(), jku: 'http://127.0.0.1:9/jwks.json', x5u: 'http://127.0.0.1:9/cert.pem' })),
    attack('signed by another key with the right kid', (c) => forged(genuine(c))),
    fc.integer({ min: 120, max: 10_000_000 }).map((ago): TokenAttack => ({ attack: 'expired', forge: (c) => real({ ...genuine(c), iat: nowS() - ago - 300, exp: nowS() - ago }) })),
    fc.integer({ min: 120, max: 10_000_000 }).map((ahead): TokenAttack => ({ attack: 'nbf in the future', forge: (c) => real({ ...genuine(c), nbf: nowS() + ahead }) })),
    fc.constantFrom('http://evil.invalid/', `${issuer.issuer}x`, issuer.issuer.replace(/\/$/, ''), issuer.issuer.toUpperCase(), '')
      .map((iss): TokenAttack => ({ attack: `another issuer ${JSON.stringify(iss)}`, forge: (c) => real({ ...genuine(c), iss }) })),
    // (Not `<audience>/`: Envoy compares audiences without scheme and trailing slash, so that one is the same API.)
    fc.constantFrom<unknown>('https://evil.invalid', `${audience}.evil.invalid`, `${audience}x`, [], ['https://evil.invalid'], '')
      .map((aud): TokenAttack => ({ attack: `another audience ${JSON.stringify(aud)}`, forge: (c) => real({ ...genuine(c), aud } as JWTPayload) })),
    attack('tampered payload', async (c) => {
      const [h, , s] = (await real(genuine(c))).split('.')
      return `${h}.${b64({ ...genuine(c), permissions: ['read:book-details', 'read:book-reviews', 'admin'] })}.${s}`
    }),
    fc.constantFrom<[string, JWTPayload]>(['exp as a string', { exp: 'never' as unknown as number }], ['nbf as a string', { nbf: 'now' as unknown as number }], ['iss as an array', { iss: ['x'] as unknown as string }])
      .map(([what, bad]): TokenAttack => ({ attack: `claim of the wrong type: ${what}`, forge: (c) => forged({ ...genuine(c), ...bad }) })),
    fc.integer({ min: 8 * 1024, max: 64 * 1024 }).map((size): TokenAttack => ({ attack: `oversized (${size} bytes of claims)`, forge: (c) => forged({ ...genuine(c), filler: 'f'.repeat(size) }) })),
    fc.constantFrom(...NON_JSON).map((token): TokenAttack => ({ attack: 'segments that are not JSON', forge: async () => token }))
  )
}

/** Where a token rides on a request: the Authorization header (several spellings) or the access_token parameter. */
export const tokenCarrier = (): fc.Arbitrary<(token: string) => { headers: Record<string, string>, query: string }> =>
  fc.constantFrom(
    (t: string) => ({ headers: { authorization: `Bearer ${t}` }, query: '' }),
    (t: string) => ({ headers: { authorization: `bearer ${t}` }, query: '' }),
    (t: string) => ({ headers: { authorization: `Bearer  ${t}` }, query: '' }),
    (t: string) => ({ headers: { authorization: `Bearer ${t}, Bearer ${t}` }, query: '' }),
    (t: string) => ({ headers: {}, query: `access_token=${encodeURIComponent(t)}` })
  )

/** The issuer and API istio/security names (the bundled IdP's defaults), and a peer secret for source principals. */
export const POLICY_ISSUER = 'http://localhost:9090/'
export const POLICY_AUDIENCE = 'https://bookinfo.io'
export const POLICY_PEER_SECRET = 'hostile-suite-peer-secret-0123456789abcdef'
const SECURITY_DIR = fileURLToPath(new URL('../../../istio/security/', import.meta.url))

export interface PolicyIssuer {
  issuer: TokenIssuer
  /** A real loopback JWKS endpoint with the issuer's public key. */
  jwks: TestServer
  /** A service's env enforcing istio/security with this issuer's JWKS (MESH_POLICY=on). */
  env: Record<string, string>
  close: () => Promise<void>
}

export async function startPolicyIssuer (): Promise<PolicyIssuer> {
  const issuer = await createTokenIssuer(POLICY_ISSUER)
  const jwks = await startTestServer((_req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: [issuer.publicJwk] }))
  })
  return {
    issuer,
    jwks,
    env: { MESH_POLICY: 'on', MESH_POLICY_DIR: SECURITY_DIR, MESH_POLICY_ISSUER: POLICY_ISSUER, MESH_POLICY_JWKS_URI: `${jwks.url}/.well-known/jwks.json`, MESH_PEER_SECRET: POLICY_PEER_SECRET },
    close: () => jwks.close(),
  }
}

export interface TokenCheck {
  name: string
  issuer: TokenIssuer
  /** The audience a genuine token carries (default: the Bookinfo API). */
  audience?: string
  /** Extra JOSE header of genuine tokens (e.g. `typ: at+jwt`). */
  header?: Record<string, unknown>
  /** The claims of a token that WOULD be let through (the positive control sends it signed). */
  claims: JWTPayload
  /** One request to the protected route with these headers and query string. */
  send: (req: { headers: Record<string, string>, query: string }) => Promise<{ status: number, body: string, headers: Record<string, unknown> }>
  runs: number
}

/**
 * Forged tokens against a route the policy protects: a genuine token with `claims` gets 200 (so the suite can
 * fail), every forged one 401 or 403 (431 when too large for the header limit), never a 5xx or a hang, and the token never comes back in the answer.
 */
export async function checkHostileTokens ({ name, issuer, audience = POLICY_AUDIENCE, header = {}, claims, send, runs }: TokenCheck): Promise<number> {
  const control = await send({ headers: { authorization: `Bearer ${await issuer.sign({ aud: audience, ...claims }, header)}` }, query: '' })
  if (control.status !== 200) throw new Error(`${name}: a genuine token got ${control.status}, not 200: the suite cannot tell forged from genuine`)
  return checkHostile(name, fc.tuple(await hostileTokens(issuer, audience, header), tokenCarrier()), async ([attack, carry]) => {
    const token = await attack.forge(claims)
    const res = await send(carry(token))
    // 431: a token too large for the server's header limit is refused before anything reads it.
    if (res.status !== 401 && res.status !== 403 && res.status !== 431) throw new Error(`${attack.attack}: answered ${res.status}, not 401/403/431`)
    expectNoEcho(res, [token])
  }, { runs })
}

/** `TokenCheck.send` for an in-process app: GET `path` with the token's headers (plus `extra`) and query. */
export function injectSender (app: Injectable, path: string, extra: Record<string, string> = {}): TokenCheck['send'] {
  return async ({ headers, query }) => {
    const res = await app.inject({ method: 'GET', url: `${path}${query === '' ? '' : `?${query}`}`, headers: { ...headers, ...extra } })
    return { status: res.statusCode, body: res.body, headers: res.headers }
  }
}
