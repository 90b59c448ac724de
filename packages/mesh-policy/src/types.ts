import type { JSONWebKeySet } from 'jose'

/** Where a resource came from, for error messages and start-up logs. */
export interface ResourceRef {
  file: string
  kind: string
  name: string
  /** `metadata.namespace`; absent means "the namespace it is applied to" (kubectl apply -n / kustomize). */
  namespace?: string
}

/** `spec.selector.matchLabels`; undefined selects every workload in the namespace. */
export type MatchLabels = Record<string, string> | undefined

/** What every resource shares: where it came from and which workloads it selects. */
export interface Scoped {
  ref: ResourceRef
  matchLabels: MatchLabels
  /** `targetRef(s)` attach the resource to gateways or waypoints, never to a sidecar workload. */
  attachedByTargetRef: boolean
}

/** A list of Istio match strings (exact, `prefix*`, `*suffix`, `*`); undefined when not set. */
export type Patterns = string[] | undefined

export interface Source {
  principals?: string[]
  notPrincipals?: string[]
  requestPrincipals?: string[]
  notRequestPrincipals?: string[]
  namespaces?: string[]
  notNamespaces?: string[]
  serviceAccounts?: string[]
  notServiceAccounts?: string[]
  trustDomains?: string[]
  notTrustDomains?: string[]
  ipBlocks?: string[]
  notIpBlocks?: string[]
  remoteIpBlocks?: string[]
  notRemoteIpBlocks?: string[]
}

export interface Operation {
  hosts?: string[]
  notHosts?: string[]
  ports?: string[]
  notPorts?: string[]
  methods?: string[]
  notMethods?: string[]
  paths?: string[]
  notPaths?: string[]
}

/** The request attribute a `when` key names (Istio's condition keys that can be evaluated outside a mesh). */
export type ConditionAttribute =
  | { kind: 'claim', path: string[] }
  | { kind: 'header', name: string }
  | { kind: 'requestPrincipal' }
  | { kind: 'audiences' }
  | { kind: 'presenter' }
  | { kind: 'sourcePrincipal' }
  | { kind: 'sourceNamespace' }
  | { kind: 'sourceServiceAccount' }
  | { kind: 'sourceTrustDomain' }
  | { kind: 'sourceIp' }
  | { kind: 'remoteIp' }
  | { kind: 'destinationIp' }
  | { kind: 'destinationPort' }

export interface Condition {
  key: string
  attribute: ConditionAttribute
  values?: string[]
  notValues?: string[]
}

export interface Rule {
  from?: Source[]
  to?: Operation[]
  when?: Condition[]
}

export type PolicyAction = 'ALLOW' | 'DENY' | 'AUDIT'

export interface AuthorizationPolicy extends Scoped {
  action: PolicyAction
  /** Undefined or empty: the policy matches nothing (`spec: {}` is allow-nothing). */
  rules: Rule[]
  /** `istio.io/dry-run: "true"`: evaluated and logged, never enforced. */
  dryRun: boolean
}

export interface JwtHeaderLocation {
  name: string
  prefix: string
}

export interface ClaimToHeader {
  header: string
  claim: string
}

export interface JwtRule {
  /** Empty: any `iss` is accepted (Istio allows it when jwksUri is set). */
  issuer: string
  jwksUri?: string
  jwks?: JSONWebKeySet
  audiences?: string[]
  forwardOriginalToken: boolean
  fromHeaders?: JwtHeaderLocation[]
  fromParams?: string[]
  fromCookies?: string[]
  outputPayloadToHeader?: string
  outputClaimToHeaders?: ClaimToHeader[]
  /** JWKS fetch deadline; Istio's default is 5 s. */
  timeoutMs?: number
  spaceDelimitedClaims?: string[]
}

export interface RequestAuthentication extends Scoped {
  jwtRules: JwtRule[]
}

export type MtlsMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT'

export interface PeerAuthentication extends Scoped {
  mode: MtlsMode
  portLevelMtls: Record<string, MtlsMode>
}

export interface PolicySet {
  requestAuthentications: RequestAuthentication[]
  authorizationPolicies: AuthorizationPolicy[]
  peerAuthentications: PeerAuthentication[]
}

export interface Workload {
  namespace: string
  labels: Record<string, string>
}
