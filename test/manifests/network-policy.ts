import type { INetworkPolicy, INetworkPolicyPeer, INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1'
import type { Manifest } from './documents.ts'

// A small NetworkPolicy evaluator (networking.k8s.io/v1 semantics): a connection is allowed when the
// source's egress and the destination's ingress both allow it. A pod no policy selects for a direction is
// not isolated in it. Pods outside the policies' namespace are not isolated by them.

export interface Endpoint {
  name: string
  namespace?: string
  labels?: Record<string, string>
  /** For destinations outside the cluster. */
  ip?: string
}

const matches = (selector: { matchLabels?: Record<string, string> } | undefined, labels: Record<string, string> = {}): boolean =>
  Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value)

function ipInCidr (ip: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/')
  const toInt = (address: string): number => address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0)
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0
  return ((toInt(ip) & mask) >>> 0) === ((toInt(base) & mask) >>> 0)
}

function peerMatches (peer: INetworkPolicyPeer, other: Endpoint, policyNamespace: string): boolean {
  if (peer.ipBlock !== undefined) {
    return other.ip !== undefined && ipInCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((cidr) => ipInCidr(other.ip ?? '', cidr))
  }
  if (other.namespace === undefined) return false
  const namespaceOk = peer.namespaceSelector === undefined
    ? other.namespace === policyNamespace
    : matches(peer.namespaceSelector, { 'kubernetes.io/metadata.name': other.namespace })
  return namespaceOk && (peer.podSelector === undefined || matches(peer.podSelector, other.labels))
}

const portMatches = (ports: INetworkPolicyPort[] | undefined, port: number): boolean =>
  ports === undefined || ports.length === 0 || ports.some((candidate) => candidate.port === port && (candidate.protocol ?? 'TCP') === 'TCP')

function sideAllows (policies: Array<INetworkPolicy & Manifest>, self: Endpoint, other: Endpoint, port: number, direction: 'Ingress' | 'Egress'): boolean {
  const selecting = policies.filter((policy) => policy.metadata.namespace === self.namespace &&
    matches(policy.spec?.podSelector, self.labels) && (policy.spec?.policyTypes ?? ['Ingress']).includes(direction))
  if (selecting.length === 0) return true
  return selecting.some((policy) => {
    const rules = direction === 'Ingress'
      ? (policy.spec?.ingress ?? []).map((rule) => ({ peers: rule.from, ports: rule.ports }))
      : (policy.spec?.egress ?? []).map((rule) => ({ peers: rule.to, ports: rule.ports }))
    return rules.some((rule) => portMatches(rule.ports, port) &&
      (rule.peers === undefined || rule.peers.length === 0 || rule.peers.some((peer) => peerMatches(peer, other, policy.metadata.namespace ?? ''))))
  })
}

/** Whether `source` may open a TCP connection to `destination` on `port` under the rendered NetworkPolicies. */
export function connectionAllowed (manifests: readonly Manifest[], source: Endpoint, destination: Endpoint, port: number): boolean {
  const policies = manifests.filter((manifest) => manifest.kind === 'NetworkPolicy') as Array<INetworkPolicy & Manifest>
  return sideAllows(policies, source, destination, port, 'Egress') && sideAllows(policies, destination, source, port, 'Ingress')
}
