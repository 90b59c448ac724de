// JWT attributes as Istio matches them against the payload Envoy's jwt_authn filter stores.
import type { StringTest } from './match.ts'

/** A string claim as one value, the string elements of a list claim; anything else matches nothing. */
export function claimValues (claims: Record<string, unknown> | undefined, path: readonly string[]): string[] | undefined {
  let value: unknown = claims
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    value = (value as Record<string, unknown>)[key]
  }
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return undefined
}

const ANY: StringTest = (v) => v !== ''
const exact = (e: string): StringTest => (v) => v === e
const prefix = (p: string): StringTest => (v) => v.startsWith(p)
const suffix = (x: string): StringTest => (v) => v.endsWith(x)

/** Istio's issuer and subject matchers for one value (its request-principal generator). */
function principalParts (pattern: string): [StringTest, StringTest] {
  if (pattern === '*') return [ANY, ANY]
  const slash = pattern.lastIndexOf('/')
  if (slash < 0) {
    if (pattern.startsWith('*')) return [ANY, suffix(pattern.slice(1))]
    if (pattern.endsWith('*')) return [prefix(pattern.slice(0, -1)), ANY]
    return [exact(pattern), exact('')]
  }
  const iss = pattern.slice(0, slash)
  const sub = pattern.slice(slash + 1)
  if (pattern.startsWith('*')) return [iss === '*' ? ANY : suffix(iss.slice(1)), exact(sub)]
  if (pattern.endsWith('*')) return [exact(iss), sub === '*' ? ANY : prefix(sub.slice(0, -1))]
  return [exact(iss), exact(sub)]
}

/**
 * `requestPrincipals`, `request.auth.principal`: Istio splits the value at its last `/` into an issuer
 * and a subject matcher, each matched against the `iss` and `sub` claims. So `*` needs both claims,
 * `iss/*` needs a subject, and `https://idp*` (whose last `/` is inside the URL) names an issuer
 * `https:/` that no token has.
 */
export function requestPrincipalTest (pattern: string): (claims: Record<string, unknown>) => boolean {
  const [issTest, subTest] = principalParts(pattern)
  return (claims) => typeof claims.iss === 'string' && typeof claims.sub === 'string' && issTest(claims.iss) && subTest(claims.sub)
}
