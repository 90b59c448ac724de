import { ConfigError } from '@bookinfo/service-kit'
import type { MeshPolicyOptions } from './options.ts'

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'

/**
 * The env variables a service reads to configure the plugin, as JSON-schema properties to spread into
 * the service's own env schema (service-kit `loadEnv`).
 */
export const MESH_POLICY_ENV_PROPERTIES = {
  MESH_POLICY: { type: 'string', enum: ['on', 'off'], default: 'off' },
  /** Comma-separated files/directories with the security.istio.io YAML (e.g. `istio/security`). */
  MESH_POLICY_DIR: { type: 'string' },
  MESH_POLICY_NAMESPACE: { type: 'string', default: 'bookinfo', pattern: DNS_LABEL },
  MESH_POLICY_ISSUER: { type: 'string' },
  MESH_POLICY_JWKS_URI: { type: 'string', pattern: '^https?://' },
  MESH_POLICY_TRUST_DOMAIN: { type: 'string', default: 'cluster.local', pattern: '^[^/*\\s]+$' },
  /** Comma-separated trust domain aliases (Istio's `meshConfig.trustDomainAliases`). */
  MESH_POLICY_TRUST_DOMAIN_ALIASES: { type: 'string', pattern: '^[^/\\s]+(,[^/\\s]+)*$' },
  /** Unset: `remote.ip` as a sidecar sees it; a number: as a gateway with that `numTrustedProxies`. */
  MESH_POLICY_NUM_TRUSTED_PROXIES: { type: 'integer', minimum: 0, maximum: 64 },
  MESH_PEER_SECRET: { type: 'string', minLength: 32 },
} as const

export interface MeshPolicyEnv {
  MESH_POLICY: 'on' | 'off'
  MESH_POLICY_DIR?: string
  MESH_POLICY_NAMESPACE: string
  MESH_POLICY_ISSUER?: string
  MESH_POLICY_JWKS_URI?: string
  MESH_POLICY_TRUST_DOMAIN?: string
  MESH_POLICY_TRUST_DOMAIN_ALIASES?: string
  MESH_POLICY_NUM_TRUSTED_PROXIES?: number
  MESH_PEER_SECRET?: string
}

// A ConfigError, so a service's runService reports it like any other bad variable and exits 1.
export class MeshPolicyConfigError extends ConfigError {
  override name = 'MeshPolicyConfigError'
}

const commaList = (value: string | undefined): string[] => (value ?? '').split(',').map((f) => f.trim()).filter((f) => f !== '')

/** Plugin options from the validated env and the service's own labels (`app`, `version`). */
export function meshPolicyOptionsFromEnv (env: MeshPolicyEnv, labels: Record<string, string>): MeshPolicyOptions {
  const enabled = env.MESH_POLICY === 'on'
  const files = commaList(env.MESH_POLICY_DIR)
  if (enabled && files.length === 0) throw new MeshPolicyConfigError('MESH_POLICY=on needs MESH_POLICY_DIR (the istio/security directory)')
  return {
    enabled,
    files,
    workload: { namespace: env.MESH_POLICY_NAMESPACE, labels },
    issuer: env.MESH_POLICY_ISSUER,
    jwksUri: env.MESH_POLICY_JWKS_URI,
    peerSecret: env.MESH_PEER_SECRET,
    trustDomain: env.MESH_POLICY_TRUST_DOMAIN ?? 'cluster.local',
    trustDomainAliases: commaList(env.MESH_POLICY_TRUST_DOMAIN_ALIASES),
    numTrustedProxies: env.MESH_POLICY_NUM_TRUSTED_PROXIES,
  }
}
