// Source identity matchers, as Istio generates them against the peer's SPIFFE URI
// (`spiffe://<trust domain>/ns/<namespace>/sa/<service account>`). Outside a mesh the URI is built from
// the verified peer assertion's principal (README "Source principals"); without one, none matches.
import { stringTest } from './match.ts'

const escapeRegex = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')

const spiffe = (principal: string): string => `spiffe://${principal}`

/** `principals`, `source.principal`: Istio's string match on the identity (a bare `*` needs one). */
export function principalTest (pattern: string): (principal: string) => boolean {
  return stringTest(pattern, { starMatchesEmpty: true })
}

/** `namespaces`, `source.namespace`: the URI has `/ns/<ns>/` in it, where a `*` in the value stands for anything. */
export function namespaceTest (pattern: string): (principal: string) => boolean {
  const ns = pattern.split('*').map(escapeRegex).join('.*')
  const re = new RegExp(`^.*/ns/${ns}/.*$`)
  return (principal) => re.test(spiffe(principal))
}

/** `serviceAccounts`, `source.serviceAccount`: `<ns>/<sa>`, or `<sa>` in the policy's own namespace. */
export function serviceAccountTest (pattern: string, policyNamespace: string): (principal: string) => boolean {
  const [ns, sa] = pattern.includes('/') ? pattern.split('/') : [policyNamespace, pattern]
  const re = new RegExp(`^spiffe://.+/ns/${escapeRegex(ns ?? '')}/(.+/|)sa/${escapeRegex(sa ?? '')}(/.+)?$`)
  return (principal) => re.test(spiffe(principal))
}

/** `trustDomains`, `source.trustDomain`: exact, `*` (any), or one `*` at either end of the domain. */
export function trustDomainTest (pattern: string): (principal: string) => boolean {
  if (pattern === '*') return () => true
  if (!pattern.includes('*')) return (principal) => spiffe(principal).startsWith(`spiffe://${pattern}/`)
  const [before = '', after = ''] = [pattern.slice(0, pattern.indexOf('*')), pattern.slice(pattern.indexOf('*') + 1)]
  const re = new RegExp(`^spiffe://${escapeRegex(before)}[^/]*${escapeRegex(after)}/.*$`)
  return (principal) => re.test(spiffe(principal))
}
