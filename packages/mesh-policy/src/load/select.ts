import type { PolicySet, Scoped, Workload } from '../types.ts'

function labelsMatch (matchLabels: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!matchLabels) return true
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v)
}

/**
 * The resources that apply to one workload (Istio's scoping): same namespace (or no namespace in the
 * file: the one it is applied to), or the mesh root namespace, whose resources apply to every namespace;
 * and `matchLabels` a subset of the workload's labels (no selector: the whole namespace). Resources
 * attached with `targetRef(s)` bind to gateways and waypoints, never to a sidecar workload.
 */
export function selectForWorkload (set: PolicySet, workload: Workload, rootNamespace = 'istio-system'): PolicySet {
  const applies = (r: Scoped): boolean =>
    !r.attachedByTargetRef &&
    (r.ref.namespace === undefined || r.ref.namespace === workload.namespace || r.ref.namespace === rootNamespace) &&
    labelsMatch(r.matchLabels, workload.labels)
  return {
    requestAuthentications: set.requestAuthentications.filter(applies),
    authorizationPolicies: set.authorizationPolicies.filter(applies),
    peerAuthentications: set.peerAuthentications.filter(applies),
  }
}
