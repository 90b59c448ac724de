// How Istio turns one policy string into an Envoy matcher (authorization-policy reference, "Exact,
// Prefix, Suffix and Presence match"): `*` first (presence), then a leading `*` (suffix of the rest),
// then a trailing `*` (prefix), else exact. Any other `*` is a literal character.

export type StringTest = (value: string) => boolean

export interface MatchOptions {
  /** Host matching ignores case. */
  ignoreCase?: boolean
  /** Header matchers (methods, hosts, `request.headers`) read `*` as "present", even when empty. */
  starMatchesEmpty?: boolean
}

export function stringTest (pattern: string, opts: MatchOptions = {}): StringTest {
  const fold = opts.ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s
  if (pattern === '*') return opts.starMatchesEmpty ? () => true : (v) => v !== ''
  if (pattern.startsWith('*')) {
    const suffix = fold(pattern.slice(1))
    return (v) => fold(v).endsWith(suffix)
  }
  if (pattern.endsWith('*')) {
    const prefix = fold(pattern.slice(0, -1))
    return (v) => fold(v).startsWith(prefix)
  }
  const exact = fold(pattern)
  return (v) => fold(v) === exact
}

/** A request test: the whole of one field pair (e.g. `paths`/`notPaths`) or one condition. */
export type Predicate<R> = (req: R) => boolean

/**
 * A positive/negative pair: one positive pattern must match (when any are given) and no negative one.
 * An absent attribute matches no pattern, so a negative list never excludes it (Istio wraps the
 * negative matchers in NOT: `notRequestPrincipals: ["*"]` selects requests without a token).
 */
export function pairPredicate<R, V> (
  positive: readonly string[] | undefined,
  negative: readonly string[] | undefined,
  compile: (pattern: string) => (value: V) => boolean,
  valueOf: (req: R) => V | undefined
): Predicate<R> | undefined {
  if (!positive && !negative) return undefined
  const pos = positive?.map(compile)
  const neg = negative?.map(compile)
  return (req) => {
    const value = valueOf(req)
    const hit = (tests: Array<(v: V) => boolean>): boolean => value !== undefined && tests.some((t) => t(value))
    if (pos && !hit(pos)) return false
    return !(neg && hit(neg))
  }
}

/** A pair of string-pattern lists against an attribute with one or more string values (list claims). */
export function fieldPredicate<R> (
  positive: readonly string[] | undefined,
  negative: readonly string[] | undefined,
  valuesOf: (req: R) => readonly string[] | undefined,
  opts: MatchOptions = {}
): Predicate<R> | undefined {
  return pairPredicate(positive, negative, (pattern) => {
    const test = stringTest(pattern, opts)
    return (values: readonly string[]) => values.some(test)
  }, valuesOf)
}

/** All predicates must hold (an empty list always holds). */
export function allOf<R> (preds: Array<Predicate<R> | undefined>): Predicate<R> {
  const list = preds.filter((p): p is Predicate<R> => p !== undefined)
  if (list.length === 0) return () => true
  if (list.length === 1) return list[0] as Predicate<R>
  return (req) => list.every((p) => p(req))
}
