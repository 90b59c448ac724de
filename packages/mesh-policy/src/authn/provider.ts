// One jwtRule as an Envoy jwt_authn provider: find its tokens, and verify each as Envoy's authenticator
// does (issuer, then time with 60 s skew, then audiences, then the signature). Every token found must
// verify; the first failure is the answer.
import type { JwtRule } from '../types.ts'
import type { KeySource } from './jwks.ts'
import { verifySignature } from './keys.ts'
import { extractTokens, locationsOf, type FoundToken, type TokenCarrier, type TokenLocation } from './locations.ts'
import type { JwtStatus } from './status.ts'
import { normalizedClaims } from './outputs.ts'
import { parseJwt, type ParsedJwt } from './token.ts'

/** Envoy's default clock skew. */
const CLOCK_SKEW_SECONDS = 60
/** Envoy's jwt_verify_lib strips an http(s):// scheme and a trailing slash before comparing audiences. */
const sanitizeAudience = (aud: string): string => aud.replace(/^https?:\/\//, '').replace(/\/$/, '')

export interface VerifiedToken {
  found: FoundToken
  jwt: ParsedJwt
  /** The payload with space-delimited claims split, as the authorization policies see it. */
  claims: Record<string, unknown>
}

export type ProviderResult =
  | { status: 'ok', verified: VerifiedToken[] }
  | { status: Exclude<JwtStatus, 'ok'> }

export interface Provider {
  rule: JwtRule
  locations: TokenLocation[]
  /** Synchronous when every token found was verified before with the current keys. */
  verify: (req: TokenCarrier) => ProviderResult | Promise<ProviderResult>
}

type Failure = Exclude<JwtStatus, 'ok'>

/** Tokens whose signature this provider already checked, per key-set version (Envoy's JWT cache). */
const CACHE_LIMIT = 1000
const MISSED: ProviderResult = { status: 'missed' }

function timeStatus (jwt: ParsedJwt): Failure | undefined {
  const now = Math.floor(Date.now() / 1000)
  if (now + CLOCK_SKEW_SECONDS < jwt.nbf) return 'notYetValid'
  if (jwt.exp !== 0 && now > jwt.exp + CLOCK_SKEW_SECONDS) return 'expired'
  return undefined
}

export function createProvider (rule: JwtRule, keys: KeySource): Provider {
  const locations = locationsOf(rule)
  const audiences = rule.audiences ? new Set(rule.audiences.map(sanitizeAudience)) : undefined
  const verified = new Map<string, { jwt: ParsedJwt, claims: Record<string, unknown>, version: number }>()

  async function verifyOne (token: string): Promise<{ jwt: ParsedJwt, claims: Record<string, unknown> } | Failure> {
    const jwt = parseJwt(token)
    if (typeof jwt === 'string') return jwt
    if (rule.issuer !== '' && jwt.iss !== rule.issuer) return 'unknownIssuer'
    const time = timeStatus(jwt)
    if (time) return time
    if (audiences && !jwt.audiences.some((a) => audiences.has(sanitizeAudience(a)))) return 'audienceNotAllowed'
    const set = await keys.get(jwt.kid)
    if (!set) return 'jwksFetchFail'
    if (set.keys.length === 0) return 'jwksNoValidKeys'
    const signature = verifySignature(jwt, set.keys)
    if (signature !== 'ok') return signature
    const entry = { jwt, claims: normalizedClaims(rule, jwt.payload), version: set.version }
    if (verified.size >= CACHE_LIMIT) verified.delete(verified.keys().next().value ?? '')
    verified.set(token, entry)
    return entry
  }

  /** Envoy verifies the last extracted token first and stops at the first failure. */
  async function verifyAll (found: FoundToken[]): Promise<ProviderResult> {
    const out: VerifiedToken[] = []
    for (let i = found.length - 1; i >= 0; i--) {
      const f = found[i] as FoundToken
      const result = await verifyOne(f.token)
      if (typeof result === 'string') return { status: result }
      out.push({ found: f, ...result })
    }
    return { status: 'ok', verified: out }
  }

  /** The same, for tokens verified before with the current keys (issuer and audience cannot change); undefined otherwise. */
  function verifyCached (found: FoundToken[]): ProviderResult | undefined {
    const version = keys.current()?.version
    const out: VerifiedToken[] = []
    for (let i = found.length - 1; i >= 0; i--) {
      const f = found[i] as FoundToken
      const entry = verified.get(f.token)
      if (entry === undefined || entry.version !== version) return undefined
      const time = timeStatus(entry.jwt)
      if (time) return { status: time }
      out.push({ found: f, jwt: entry.jwt, claims: entry.claims })
    }
    return { status: 'ok', verified: out }
  }

  return {
    rule,
    locations,
    verify (req) {
      const found = extractTokens(locations, req)
      if (found.length === 0) return MISSED
      return verifyCached(found) ?? verifyAll(found)
    },
  }
}
