import { fieldMatches } from './match.ts'
import type { AuthorizationPolicy, Condition, Operation, Rule, Source } from './types.ts'

/** What a rule can look at (Istio's request attributes that this enforcer supports). */
export interface RequestAttributes {
  method: string
  /** Path without the query string. */
  path: string
  headers: Record<string, string | string[] | undefined>
  /** Peer identity (`cluster.local/ns/<ns>/sa/<sa>`); see README "Source principals". */
  sourcePrincipal?: string
  /** Set when a RequestAuthentication rule validated the request's JWT. */
  auth?: {
    principal: string
    claims: Record<string, unknown>
    audiences: string[]
    presenter?: string
  }
}

export type Decision =
  | { allowed: true, by?: string }
  | { allowed: false, reason: string }

const one = (value: string | undefined): string[] | undefined => (value === undefined ? undefined : [value])

/** String claims and the string elements of list claims; other types never match (as in Istio). */
function claimValues (claims: Record<string, unknown> | undefined, path: string[]): string[] | undefined {
  let value: unknown = claims
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
    value = (value as Record<string, unknown>)[key]
  }
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return undefined
}

function conditionValues (cond: Condition, req: RequestAttributes): string[] | undefined {
  const a = cond.attribute
  switch (a.kind) {
    case 'claim': return claimValues(req.auth?.claims, a.path)
    case 'header': {
      const h = req.headers[a.name]
      return h === undefined ? undefined : [Array.isArray(h) ? h.join(',') : h]
    }
    case 'requestPrincipal': return one(req.auth?.principal)
    case 'audiences': return req.auth?.audiences.length ? req.auth.audiences : undefined
    case 'presenter': return one(req.auth?.presenter)
    case 'sourcePrincipal': return one(req.sourcePrincipal)
  }
}

function sourceMatches (s: Source, req: RequestAttributes): boolean {
  return fieldMatches(s.principals, s.notPrincipals, one(req.sourcePrincipal)) &&
    fieldMatches(s.requestPrincipals, s.notRequestPrincipals, one(req.auth?.principal))
}

function operationMatches (o: Operation, req: RequestAttributes): boolean {
  return fieldMatches(o.methods, o.notMethods, [req.method]) &&
    fieldMatches(o.paths, o.notPaths, [req.path])
}

/**
 * Istio rule semantics: `from` AND `to` AND `when`; within `from` and `to` any entry may match; every
 * `when` condition must match; an empty rule matches every request.
 */
export function ruleMatches (rule: Rule, req: RequestAttributes): boolean {
  if (rule.from && !rule.from.some((s) => sourceMatches(s, req))) return false
  if (rule.to && !rule.to.some((o) => operationMatches(o, req))) return false
  if (rule.when && !rule.when.every((c) => fieldMatches(c.values, c.notValues, conditionValues(c, req)))) return false
  return true
}

const label = (p: AuthorizationPolicy): string => `${p.action} ${p.ref.name} (${p.ref.file})`

/**
 * Istio's evaluation order (authorization-policy reference): any matching DENY policy denies; then, if no
 * ALLOW policy applies to the workload, the request is allowed; otherwise one ALLOW policy must match.
 * An ALLOW policy without rules (`spec: {}`) applies but matches nothing: it denies everything.
 * (CUSTOM policies are refused at load time.)
 */
export function authorize (policies: AuthorizationPolicy[], req: RequestAttributes): Decision {
  for (const p of policies) {
    if (p.action === 'DENY' && p.rules.some((r) => ruleMatches(r, req))) return { allowed: false, reason: `matched ${label(p)}` }
  }
  const allows = policies.filter((p) => p.action === 'ALLOW')
  if (allows.length === 0) return { allowed: true }
  const hit = allows.find((p) => p.rules.some((r) => ruleMatches(r, req)))
  if (hit) return { allowed: true, by: label(hit) }
  return { allowed: false, reason: `no ALLOW policy matched (${allows.map((p) => p.ref.name).join(', ')})` }
}
