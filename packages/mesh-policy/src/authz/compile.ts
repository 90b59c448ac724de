import type { AuthorizationPolicy, Condition, ConditionAttribute, Operation, Rule, Source } from '../types.ts'
import type { RequestAttributes as R } from './attributes.ts'
import { claimValues, requestPrincipalTest } from './claims.ts'
import { namespaceTest, principalTest, serviceAccountTest, trustDomainTest } from './identity.ts'
import { ipTest } from './ip.ts'
import { allOf, fieldPredicate, pairPredicate, stringTest, type Predicate } from './match.ts'
import { pathTemplateTest } from './path-template.ts'
import { expandPrincipals, expandTrustDomains, type TrustDomainBundle } from './trust-domain.ts'

/** What compiling needs besides the policy: the trust domains, and the namespace the policy lives in. */
export interface CompileContext {
  trustDomains: TrustDomainBundle
  policyNamespace: string
}

const one = (value: string | undefined): string[] | undefined => (value === undefined ? undefined : [value])
const principal = (r: R): string | undefined => r.sourcePrincipal
const claimsOf = (r: R): Record<string, unknown> | undefined => r.claims
const portTest = (port: string) => (value: number) => value === Number(port)
const pathTest = (pattern: string): (path: string) => boolean =>
  pattern.includes('{*}') || pattern.includes('{**}') ? pathTemplateTest(pattern) : stringTest(pattern)

type PairCompiler = (pos: string[] | undefined, neg: string[] | undefined, ctx: CompileContext) => Predicate<R> | undefined

/** One compiler per attribute: the `from`/`to` fields and the `when` keys share them (Istio does too). */
const ATTRIBUTE: Record<ConditionAttribute['kind'], PairCompiler> = {
  claim: () => undefined, // needs the claim path: see conditionPredicate
  header: () => undefined, // needs the header name: see conditionPredicate
  requestPrincipal: (p, n) => pairPredicate(p, n, requestPrincipalTest, claimsOf),
  audiences: (p, n) => fieldPredicate(p, n, (r) => claimValues(r.claims, ['aud'])),
  presenter: (p, n) => fieldPredicate(p, n, (r) => claimValues(r.claims, ['azp'])),
  sourcePrincipal: (p, n, ctx) => pairPredicate(expandPrincipals(p, ctx.trustDomains), expandPrincipals(n, ctx.trustDomains), principalTest, principal),
  sourceNamespace: (p, n) => pairPredicate(p, n, namespaceTest, principal),
  sourceServiceAccount: (p, n, ctx) => pairPredicate(p, n, (v) => serviceAccountTest(v, ctx.policyNamespace), principal),
  sourceTrustDomain: (p, n, ctx) => pairPredicate(expandTrustDomains(p, ctx.trustDomains), expandTrustDomains(n, ctx.trustDomains), trustDomainTest, principal),
  sourceIp: (p, n) => pairPredicate(p, n, ipTest, (r) => r.sourceIp),
  remoteIp: (p, n) => pairPredicate(p, n, ipTest, (r) => r.remoteIp),
  destinationIp: (p, n) => pairPredicate(p, n, ipTest, (r) => r.destinationIp),
  destinationPort: (p, n) => pairPredicate(p, n, portTest, (r) => r.destinationPort),
}

function conditionPredicate (c: Condition, ctx: CompileContext): Predicate<R> | undefined {
  const a = c.attribute
  if (a.kind === 'claim') return fieldPredicate(c.values, c.notValues, (r) => claimValues(r.claims, a.path))
  if (a.kind === 'header') return fieldPredicate(c.values, c.notValues, (r) => one(r.header(a.name)), { starMatchesEmpty: true })
  return ATTRIBUTE[a.kind](c.values, c.notValues, ctx)
}

function sourcePredicate (s: Source, ctx: CompileContext): Predicate<R> {
  return allOf([
    ATTRIBUTE.sourceIp(s.ipBlocks, s.notIpBlocks, ctx),
    ATTRIBUTE.remoteIp(s.remoteIpBlocks, s.notRemoteIpBlocks, ctx),
    ATTRIBUTE.sourceNamespace(s.namespaces, s.notNamespaces, ctx),
    ATTRIBUTE.sourceTrustDomain(s.trustDomains, s.notTrustDomains, ctx),
    ATTRIBUTE.sourceServiceAccount(s.serviceAccounts, s.notServiceAccounts, ctx),
    ATTRIBUTE.requestPrincipal(s.requestPrincipals, s.notRequestPrincipals, ctx),
    ATTRIBUTE.sourcePrincipal(s.principals, s.notPrincipals, ctx),
  ])
}

function operationPredicate (o: Operation): Predicate<R> {
  return allOf([
    fieldPredicate(o.hosts, o.notHosts, (r) => one(r.host), { ignoreCase: true, starMatchesEmpty: true }),
    fieldPredicate(o.methods, o.notMethods, (r) => [r.method], { starMatchesEmpty: true }),
    pairPredicate(o.paths, o.notPaths, pathTest, (r) => r.path),
    pairPredicate(o.ports, o.notPorts, portTest, (r) => r.destinationPort),
  ])
}

function anyOf (preds: Array<Predicate<R>>): Predicate<R> {
  if (preds.length === 1) return preds[0] as Predicate<R>
  return (r) => {
    for (const p of preds) if (p(r)) return true
    return false
  }
}

/**
 * Istio's rule semantics: `from` AND `to` AND every `when`; within `from` and within `to` any entry may
 * match; an empty rule matches every request.
 */
export function rulePredicate (rule: Rule, ctx: CompileContext): Predicate<R> {
  return allOf([
    rule.from ? anyOf(rule.from.map((s) => sourcePredicate(s, ctx))) : undefined,
    rule.to ? anyOf(rule.to.map(operationPredicate)) : undefined,
    ...(rule.when ?? []).map((c) => conditionPredicate(c, ctx)),
  ])
}

export interface CompiledPolicy {
  policy: AuthorizationPolicy
  /** Does any rule match? (A policy without rules matches nothing.) */
  matches: Predicate<R>
}

export function compilePolicy (policy: AuthorizationPolicy, ctx: CompileContext): CompiledPolicy {
  const rules = policy.rules.map((r) => rulePredicate(r, ctx))
  return { policy, matches: rules.length === 0 ? () => false : anyOf(rules) }
}
