import type { IncomingMessage } from 'node:http'
import type { FastifyServerOptions } from 'fastify'
import type { RemoteKeyOptions } from './authn/jwks.ts'
import { normalizeTarget, type NormalizedTarget } from './request/normalize-path.ts'
import type { Workload } from './types.ts'

export interface MeshPolicyOptions {
  /** false inside Istio: the sidecar enforces the same YAML, the plugin does nothing. */
  enabled: boolean
  /** Files and directories (recursive) holding the security.istio.io YAML, e.g. `istio/security`. */
  files: string[]
  /** The workload this service is: its namespace and pod labels (`app`, `version`). */
  workload: Workload
  /** Policies in this namespace apply to every namespace (Istio's root namespace). */
  rootNamespace?: string
  /** Replaces `issuer` of every jwtRule (what a kustomize overlay patches); needs a single issuer in the files. */
  issuer?: string
  /** Replaces `jwksUri` of every jwtRule, e.g. the IdP's back-channel address. */
  jwksUri?: string
  /** Shared secret for peer assertions (README "Source principals"); without it no request has a peer identity. */
  peerSecret?: string
  /** The mesh's trust domain (`meshConfig.trustDomain`, default `cluster.local`) and its aliases. */
  trustDomain?: string
  trustDomainAliases?: string[]
  /**
   * Unset: `remote.ip` as a sidecar sees it (the last X-Forwarded-For address, else the peer). A number:
   * as an ingress gateway with `gatewayTopology.numTrustedProxies` set to it.
   */
  numTrustedProxies?: number
  jwks?: Partial<RemoteKeyOptions>
}

/** Set by the server's `rewriteUrl` on the raw request: the target as Envoy normalised it. */
export const NORMALIZED = Symbol('bookinfo.mesh-policy.normalized')

export type NormalizedRequest = IncomingMessage & { [NORMALIZED]?: NormalizedTarget }

/**
 * Istio normalises the path before routing and hands the workload the normalised path; Fastify routes
 * before any hook runs, so the normalisation has to happen in the server's `rewriteUrl`. A path that
 * cannot be normalised keeps its URL here and is answered 400 by the plugin.
 */
export function normalizeRequestUrl (req: IncomingMessage): string {
  const url = req.url ?? '/'
  const target = normalizeTarget(url)
  ;(req as NormalizedRequest)[NORMALIZED] = target
  if (!target.ok) return url
  return target.query === '' && !url.includes('?') ? target.path : `${target.path}?${target.query}`
}

/** The Fastify server options the plugin needs (spread them into `Fastify({...})`); none when it is off. */
export function meshPolicyServerOptions (opts: Pick<MeshPolicyOptions, 'enabled'> | undefined): Pick<FastifyServerOptions, 'rewriteUrl'> {
  return opts?.enabled ? { rewriteUrl: normalizeRequestUrl } : {}
}
