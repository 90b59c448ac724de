// What a validated token does to the request before the route sees it (Envoy's handleGoodJwt):
// `outputPayloadToHeader`, `outputClaimToHeaders`, and removing the token unless `forwardOriginalToken`.
import type { JwtRule } from '../types.ts'
import type { VerifiedToken } from './provider.ts'

/** Header changes: a value to set, or undefined to remove. */
export type HeaderChanges = Map<string, string | undefined>

/** Headers a rule writes: they are removed from every incoming request first, so a client cannot forge them. */
export function outputHeaderNames (rules: readonly JwtRule[]): string[] {
  const names = rules.flatMap((r) => [...(r.outputPayloadToHeader ? [r.outputPayloadToHeader] : []), ...(r.outputClaimToHeaders ?? []).map((c) => c.header)])
  return [...new Set(names)]
}

/** A claim by Envoy's dotted path (`nested.key.group`), as the header value Envoy writes; undefined: no header. */
export function claimHeaderValue (payload: Record<string, unknown>, claim: string): string | undefined {
  let value: unknown = payload
  for (const key of claim.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    value = (value as Record<string, unknown>)[key]
  }
  if (typeof value === 'string') return value === '' ? undefined : value
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : String(value)
  if (typeof value === 'boolean') return String(value)
  if (typeof value === 'object' && value !== null) return Buffer.from(JSON.stringify(value)).toString('base64')
  return undefined
}

/** The header changes for the tokens one rule validated (each token, in Envoy's order). */
const NO_CHANGES: HeaderChanges = new Map()

export function outputChanges (rule: JwtRule, verified: readonly VerifiedToken[]): HeaderChanges {
  if (rule.forwardOriginalToken && !rule.outputPayloadToHeader && !rule.outputClaimToHeaders) return NO_CHANGES
  const changes: HeaderChanges = new Map()
  const append = (name: string, value: string): void => {
    const before = changes.get(name)
    changes.set(name, before === undefined ? value : `${before}, ${value}`)
  }
  for (const { found, jwt } of verified) {
    if (rule.outputPayloadToHeader) append(rule.outputPayloadToHeader, jwt.payloadB64)
    for (const { header, claim } of rule.outputClaimToHeaders ?? []) {
      const value = claimHeaderValue(jwt.payload, claim)
      if (value !== undefined) append(header, value)
    }
    // Envoy removes a validated token from a header; from a query parameter or a cookie it does not.
    if (!rule.forwardOriginalToken && found.location.kind === 'header') changes.set(found.location.name, undefined)
  }
  return changes
}

/** Istio always treats `scope` and `permission` as space-delimited; `spaceDelimitedClaims` adds more. */
const DEFAULT_SPACE_DELIMITED = ['permission', 'scope']

/**
 * The payload the authorization policies see: space-delimited string claims (top-level, by exact name)
 * become lists of their words, so `values: ["read"]` matches `scope: "read write"` (and the whole
 * string no longer does).
 */
export function normalizedClaims (rule: JwtRule, payload: Record<string, unknown>): Record<string, unknown> {
  const out = { ...payload }
  for (const claim of new Set([...DEFAULT_SPACE_DELIMITED, ...(rule.spaceDelimitedClaims ?? [])])) {
    const value = payload[claim]
    if (typeof value === 'string') out[claim] = value.split(' ').filter((w) => w !== '')
  }
  return out
}
