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

export interface Source {
  principals?: string[]
  notPrincipals?: string[]
  requestPrincipals?: string[]
  notRequestPrincipals?: string[]
}

export interface Operation {
  methods?: string[]
  notMethods?: string[]
  paths?: string[]
  notPaths?: string[]
}

/** The request attribute a `when` key names. */
export type ConditionAttribute =
  | { kind: 'claim', path: string[] }
  | { kind: 'header', name: string }
  | { kind: 'requestPrincipal' }
  | { kind: 'audiences' }
  | { kind: 'presenter' }
  | { kind: 'sourcePrincipal' }

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

export interface AuthorizationPolicy {
  ref: ResourceRef
  matchLabels: MatchLabels
  action: 'ALLOW' | 'DENY'
  rules: Rule[]
}

export interface JwtRule {
  issuer: string
  jwksUri?: string
  jwks?: JSONWebKeySet
  audiences?: string[]
  forwardOriginalToken: boolean
}

export interface RequestAuthentication {
  ref: ResourceRef
  matchLabels: MatchLabels
  jwtRules: JwtRule[]
}

export type MtlsMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT'

export interface PeerAuthentication {
  ref: ResourceRef
  matchLabels: MatchLabels
  mode: MtlsMode
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
