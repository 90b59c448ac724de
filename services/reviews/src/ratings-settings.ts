/** Java's `Boolean.valueOf(String)`: "true" in any letter case is true, everything else (incl. unset) false. */
export function javaBoolean (value: string | undefined): boolean {
  return value !== undefined && value.toLowerCase() === 'true'
}

/**
 * Deadline of the ratings call. Upstream picks it by star colour, not by version: black (v2) waits 10 s,
 * any other colour (v3, red) 2.5 s. Copied on purpose: istio.io's fault-injection task depends on it.
 * `override` is our RATINGS_TIMEOUT_MS.
 */
export function ratingsTimeoutMs (starColor: string, override?: number): number {
  if (override !== undefined) return override
  return starColor === 'black' ? 10_000 : 2_500
}
