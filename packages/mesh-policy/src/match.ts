/**
 * Istio's string match for every field of an AuthorizationPolicy (authorization-policy reference,
 * "Exact, Prefix, Suffix and Presence match"): `abc` exact, `abc*` prefix, `*abc` suffix, `*` any
 * non-empty value.
 */
export function matchValue (pattern: string, value: string): boolean {
  if (pattern === '*') return value !== ''
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1))
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1))
  return value === pattern
}

/**
 * A positive/negative field pair (e.g. `paths`/`notPaths`): the value must match one positive pattern
 * (when any are given) and no negative one. An absent attribute matches no positive pattern and is
 * therefore never excluded by a negative one (Istio: `notRequestPrincipals: ["*"]` selects requests
 * without a token). A list attribute (a list-typed claim) matches when any element does.
 */
export function fieldMatches (positive: string[] | undefined, negative: string[] | undefined, values: string[] | undefined): boolean {
  const hit = (patterns: string[]): boolean => values !== undefined && patterns.some((p) => values.some((v) => matchValue(p, v)))
  if (positive && !hit(positive)) return false
  if (negative && hit(negative)) return false
  return true
}
