import { Deployment } from 'kubernetes-models/apps/v1'
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1'
import { DestinationRule, Gateway, ServiceEntry, VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1'
import { AuthorizationPolicy, PeerAuthentication, RequestAuthentication } from '@kubernetes-models/istio/security.istio.io/v1'
import { Gateway as K8sGateway, HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1'
import type { Manifest } from './documents.ts'

interface ModelClass {
  apiVersion: string
  kind: string
  new (data: never): { validate: () => void }
}

/** A model class and the module that exports it (and its `I<Kind>` interface, used by strict-fields.ts). */
export interface ModelEntry {
  model: ModelClass
  module: string
}

// The kinds this repository may contain. A document of any other apiVersion/kind fails the check: add its
// model here (kubernetes-models, @kubernetes-models/istio, @kubernetes-models/gateway-api) when a new kind is
// really needed.
const MODELS: readonly ModelEntry[] = [
  ...[Namespace, Service, ServiceAccount, Secret, ConfigMap].map((model) => ({ model, module: 'kubernetes-models/v1' })),
  { model: Deployment, module: 'kubernetes-models/apps/v1' },
  { model: NetworkPolicy, module: 'kubernetes-models/networking.k8s.io/v1' },
  ...[Gateway, VirtualService, DestinationRule, ServiceEntry]
    .map((model) => ({ model, module: '@kubernetes-models/istio/networking.istio.io/v1' })),
  ...[AuthorizationPolicy, PeerAuthentication, RequestAuthentication]
    .map((model) => ({ model, module: '@kubernetes-models/istio/security.istio.io/v1' })),
  ...[K8sGateway, HTTPRoute].map((model) => ({ model, module: '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1' })),
]

const BY_TYPE = new Map(MODELS.map((entry) => [`${entry.model.apiVersion} ${entry.model.kind}`, entry]))

export function modelFor (manifest: Pick<Manifest, 'apiVersion' | 'kind'>): ModelEntry | undefined {
  return BY_TYPE.get(`${manifest.apiVersion} ${manifest.kind}`)
}

export function knownKinds (): string[] {
  return [...BY_TYPE.keys()]
}

/**
 * Validates one document against the JSON schema of its model. Returns the problem, or undefined when valid.
 * (The generated schemas check types, enums and required fields; unknown fields are the job of strict-fields.ts.)
 */
export function schemaProblem (manifest: Manifest): string | undefined {
  const entry = modelFor(manifest)
  if (entry === undefined) {
    return `unknown kind ${manifest.apiVersion} ${manifest.kind} (known: ${knownKinds().join(', ')})`
  }
  const Model = entry.model
  try {
    new Model(structuredClone(manifest) as never).validate()
    return undefined
  } catch (error) {
    return `${manifest.kind}/${manifest.metadata.name}: ${(error as Error).message}`
  }
}
