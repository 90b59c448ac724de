import type { RequestAttributes } from './attributes.ts'
import type { CompiledPolicy } from './compile.ts'

export type Decision =
  | { allowed: true, by?: string }
  | { allowed: false, reason: string }

export interface Evaluation {
  decision: Decision
  /** AUDIT policies that matched: the request is marked for audit, never allowed or denied by them. */
  audited: string[]
  /** What the dry-run (`istio.io/dry-run`) policies would have decided; undefined when there are none. */
  dryRun?: { allowed: boolean, matched: string[] }
}

const label = (p: CompiledPolicy): string => `${p.policy.action} ${p.policy.ref.name}`

type Decide = (req: RequestAttributes) => Decision

/** Istio's order over a set of policies: a matching DENY denies; no ALLOW policy allows; one ALLOW must match. */
function decider (policies: CompiledPolicy[]): Decide {
  const denies = policies.filter((p) => p.policy.action === 'DENY')
  const allows = policies.filter((p) => p.policy.action === 'ALLOW')
  const allowNames = allows.map((p) => p.policy.ref.name).join(', ')
  return (req) => {
    const deny = denies.find((p) => p.matches(req))
    if (deny) return { allowed: false, reason: `matched ${label(deny)} (${deny.policy.ref.file})` }
    if (allows.length === 0) return { allowed: true }
    const hit = allows.find((p) => p.matches(req))
    return hit ? { allowed: true, by: label(hit) } : { allowed: false, reason: `no ALLOW policy matched (${allowNames})` }
  }
}

/**
 * The authorization-policy reference: CUSTOM (refused at load), then DENY, then ALLOW decide; AUDIT
 * policies only mark the request. Dry-run policies are evaluated the same way on the side and never
 * change the answer.
 */
export function createAuthorizer (policies: CompiledPolicy[]): (req: RequestAttributes) => Evaluation {
  const decide = decider(policies.filter((p) => !p.policy.dryRun))
  const audits = policies.filter((p) => !p.policy.dryRun && p.policy.action === 'AUDIT')
  const shadow = policies.filter((p) => p.policy.dryRun && p.policy.action !== 'AUDIT')
  const decideShadow = decider(shadow)
  return (req) => {
    const evaluation: Evaluation = {
      decision: decide(req),
      audited: audits.length === 0 ? [] : audits.filter((p) => p.matches(req)).map((p) => p.policy.ref.name),
    }
    if (shadow.length > 0) {
      evaluation.dryRun = { allowed: decideShadow(req).allowed, matched: shadow.filter((p) => p.matches(req)).map(label) }
    }
    return evaluation
  }
}
