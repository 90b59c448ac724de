// Trust domains in policies (Istio's trust domain migration): `cluster.local` in a principal means "this
// mesh's trust domain and its aliases", and a principal naming any of them is widened to all of them.

export const DEFAULT_TRUST_DOMAIN = 'cluster.local'

export interface TrustDomainBundle {
  /** The mesh's trust domain first, then its aliases. */
  domains: string[]
}

export function trustDomainBundle (trustDomain = DEFAULT_TRUST_DOMAIN, aliases: string[] = []): TrustDomainBundle {
  return { domains: [trustDomain, ...aliases] }
}

const prefixMatch = (a: string, pattern: string): boolean => pattern.endsWith('*') && a.startsWith(pattern.slice(0, -1))
const suffixMatch = (a: string, pattern: string): boolean => pattern.startsWith('*') && a.endsWith(pattern.slice(1))

function inBundle (td: string, domains: string[]): boolean {
  return domains.some((s) => td === s || s === '*' || prefixMatch(td, s) || prefixMatch(s, td) || suffixMatch(td, s) || suffixMatch(s, td))
}

/**
 * `principals` and `source.principal` values: a `<td>/ns/<ns>/sa/<sa>` value whose trust domain is
 * `cluster.local` or in the bundle is expanded to one value per trust domain of the bundle; other
 * values (`*`-prefixed trust domains, other shapes, foreign trust domains) stay as written.
 */
export function expandPrincipals (values: string[] | undefined, bundle: TrustDomainBundle): string[] | undefined {
  if (!values) return undefined
  const out: string[] = []
  const add = (v: string): void => { if (!out.includes(v)) out.push(v) }
  for (const value of values) {
    const parts = value.split('/')
    const td = parts[0] ?? ''
    if (parts.length !== 5 || td === '*' || !(inBundle(td, bundle.domains) || td === DEFAULT_TRUST_DOMAIN)) {
      add(value)
      continue
    }
    for (const domain of bundle.domains) add(suffixMatch(domain, td) ? value : [domain, ...parts.slice(1)].join('/'))
  }
  return out
}

/** `trustDomains` and `source.trustDomain` values naming a domain of the bundle cover all of them. */
export function expandTrustDomains (values: string[] | undefined, bundle: TrustDomainBundle): string[] | undefined {
  if (!values) return undefined
  const out = values.flatMap((v) => (bundle.domains.includes(v) ? bundle.domains : [v]))
  return [...new Set(out)]
}
