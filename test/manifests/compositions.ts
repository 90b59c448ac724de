import type { Composition } from './kustomize.ts'

// The combinations k8s/README.md documents, each rendered and checked by overlays.test.ts (and the README
// must list each one: docs.test.ts). A component is added by inserting its line before
// ../../components/ambient and ../../components/kind, which must stay last.

const C = (name: string): string => `../../components/${name}`

/** Optional components that combine with every overlay (loadgen needs the bundled IdP: not with auth0). */
export const OPTIONAL = ['redis-sessions', 'network-policies', 'details-v2', 'ratings-v2-mysql', 'loadgen'] as const

const forOverlay = (overlay: string, optional: readonly string[]): Composition[] => [
  { overlay },
  ...optional.map((name) => ({ overlay, add: [C(name)] })),
  { overlay, add: optional.map(C) },
]

/** kind with the Gateway API ingress in place of the Istio Gateway (still sidecars). */
export const KIND_GATEWAY_API: Composition = {
  overlay: 'k8s/overlays/kind',
  replace: { '../../../istio/networking': C('gateway-api'), '../../../istio/networking/idp': '../../../istio/gateway-api/idp' },
}

export const COMPOSITIONS: readonly Composition[] = [
  ...forOverlay('k8s/overlays/kind', OPTIONAL),
  KIND_GATEWAY_API,
  { ...KIND_GATEWAY_API, add: OPTIONAL.map(C) },
  ...forOverlay('k8s/overlays/kind-ambient', OPTIONAL),
  ...forOverlay('k8s/overlays/auth0', OPTIONAL.filter((name) => name !== 'loadgen')),
]
