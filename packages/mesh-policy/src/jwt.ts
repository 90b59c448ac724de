import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose'
import type { JwtRule } from './types.ts'

/** Asymmetric algorithms only: a JWKS never holds a shared secret, and `none` is never accepted. */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']

/** Envoy's jwt_authn default clock skew. */
const CLOCK_SKEW_SECONDS = 60

export interface JwtIdentity {
  /** `<iss>/<sub>`, Istio's request principal. */
  principal: string
  claims: JWTPayload
  audiences: string[]
  presenter?: string
}

export type AuthnResult =
  | { kind: 'anonymous' }
  | { kind: 'authenticated', identity: JwtIdentity, forward: boolean, from: 'header' | 'query' }
  | { kind: 'rejected', message: string }

export interface JwksOptions {
  timeoutMs?: number
  cooldownMs?: number
  cacheMaxAgeMs?: number
}

export interface ExtractedToken {
  token: string
  from: 'header' | 'query'
}

/**
 * Istio's default token locations: `Authorization: Bearer <token>`, then the `access_token` query
 * parameter. Another Authorization scheme (Basic) is not a token.
 */
export function extractToken (authorization: string | undefined, query: URLSearchParams): ExtractedToken | undefined {
  const m = authorization === undefined ? null : /^bearer +(.*)$/i.exec(authorization.trim())
  if (m) return { token: (m[1] ?? '').trim(), from: 'header' }
  const q = query.get('access_token')
  if (q !== null) return { token: q, from: 'query' }
  return undefined
}

/** jose's error codes mapped to the bodies Envoy's jwt_authn filter answers with. */
function describe (err: unknown): string {
  const e = err as { code?: string, claim?: string }
  switch (e.code) {
    case 'ERR_JWT_EXPIRED': return 'Jwt is expired'
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (e.claim === 'nbf') return 'Jwt not yet valid'
      if (e.claim === 'aud') return 'Audiences in Jwt are not allowed'
      return 'Jwt verification fails'
    case 'ERR_JWKS_NO_MATCHING_KEY': return 'Jwks doesn\'t have key to match kid or alg from Jwt'
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
    case 'ERR_JOSE_GENERIC': return 'Jwks remote fetch is failed'
    // Not a jose error: the JWKS fetch itself failed (connection refused, DNS).
    case undefined: return 'Jwks remote fetch is failed'
    default: return 'Jwt verification fails'
  }
}

function audiencesOf (payload: JWTPayload): string[] {
  if (typeof payload.aud === 'string') return [payload.aud]
  return Array.isArray(payload.aud) ? payload.aud.filter((a) => typeof a === 'string') : []
}

export interface JwtAuthenticator {
  authenticate: (authorization: string | undefined, query: URLSearchParams) => Promise<AuthnResult>
}

/**
 * RequestAuthentication semantics (request-authentication reference): no token → anonymous (authorization
 * decides); a token that no rule for its issuer accepts → rejected (401), including a token whose issuer
 * no rule names. With no rules at all, tokens are ignored (no JWT filter on the workload).
 */
export function createJwtAuthenticator (rules: JwtRule[], opts: JwksOptions = {}): JwtAuthenticator {
  // One key set per jwksUri, shared by rules and requests: jose caches keys and rate-limits refetches.
  const remote = new Map<string, JWTVerifyGetKey>()
  const keysFor = (rule: JwtRule): JWTVerifyGetKey => {
    if (rule.jwks) return createLocalJWKSet(rule.jwks)
    const uri = rule.jwksUri ?? ''
    let set = remote.get(uri)
    if (!set) {
      set = createRemoteJWKSet(new URL(uri), {
        timeoutDuration: opts.timeoutMs ?? 5000,
        cooldownDuration: opts.cooldownMs ?? 30_000,
        cacheMaxAge: opts.cacheMaxAgeMs ?? 600_000,
      })
      remote.set(uri, set)
    }
    return set
  }
  const prepared = rules.map((rule) => ({ rule, keys: keysFor(rule) }))

  async function authenticate (authorization: string | undefined, query: URLSearchParams): Promise<AuthnResult> {
    if (prepared.length === 0) return { kind: 'anonymous' }
    const found = extractToken(authorization, query)
    if (!found) return { kind: 'anonymous' }
    if (found.token.split('.').length !== 3) return { kind: 'rejected', message: 'Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections' }
    let unverified: JWTPayload
    try {
      unverified = decodeJwt(found.token)
    } catch {
      return { kind: 'rejected', message: 'Jwt payload is an invalid JSON' }
    }
    const candidates = prepared.filter((p) => p.rule.issuer === unverified.iss)
    if (candidates.length === 0) return { kind: 'rejected', message: 'Jwt issuer is not configured' }
    let message = 'Jwt verification fails'
    for (const { rule, keys } of candidates) {
      try {
        const { payload } = await jwtVerify(found.token, keys, {
          algorithms: JWT_ALGORITHMS,
          issuer: rule.issuer,
          audience: rule.audiences,
          clockTolerance: CLOCK_SKEW_SECONDS,
        })
        const identity: JwtIdentity = {
          principal: `${payload.iss ?? ''}/${payload.sub ?? ''}`,
          claims: payload,
          audiences: audiencesOf(payload),
          presenter: typeof payload.azp === 'string' ? payload.azp : undefined,
        }
        return { kind: 'authenticated', identity, forward: rule.forwardOriginalToken, from: found.from }
      } catch (err) {
        message = describe(err)
      }
    }
    return { kind: 'rejected', message }
  }

  return { authenticate }
}
