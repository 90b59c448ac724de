import { ConfigError } from '@bookinfo/service-kit'
import type { MeshPolicyOptions } from './plugin.ts'

/**
 * The env variables a service reads to configure the plugin, as JSON-schema properties to spread into
 * the service's own env schema (service-kit `loadEnv`).
 */
export const MESH_POLICY_ENV_PROPERTIES = {
  MESH_POLICY: { type: 'string', enum: ['on', 'off'], default: 'off' },
  /** Comma-separated files/directories with the security.istio.io YAML (e.g. `istio/security`). */
  MESH_POLICY_DIR: { type: 'string' },
  MESH_POLICY_NAMESPACE: { type: 'string', default: 'bookinfo', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
  MESH_POLICY_ISSUER: { type: 'string' },
  MESH_POLICY_JWKS_URI: { type: 'string', pattern: '^https?://' },
  MESH_PEER_SECRET: { type: 'string', minLength: 32 },
} as const

export interface MeshPolicyEnv {
  MESH_POLICY: 'on' | 'off'
  MESH_POLICY_DIR?: string
  MESH_POLICY_NAMESPACE: string
  MESH_POLICY_ISSUER?: string
  MESH_POLICY_JWKS_URI?: string
  MESH_PEER_SECRET?: string
}

// A ConfigError, so a service's runService reports it like any other bad variable and exits 1.
export class MeshPolicyConfigError extends ConfigError {
  override name = 'MeshPolicyConfigError'
}

/** Plugin options from the validated env and the service's own labels (`app`, `version`). */
export function meshPolicyOptionsFromEnv (env: MeshPolicyEnv, labels: Record<string, string>): MeshPolicyOptions {
  const enabled = env.MESH_POLICY === 'on'
  const files = (env.MESH_POLICY_DIR ?? '').split(',').map((f) => f.trim()).filter((f) => f !== '')
  if (enabled && files.length === 0) throw new MeshPolicyConfigError('MESH_POLICY=on needs MESH_POLICY_DIR (the istio/security directory)')
  return {
    enabled,
    files,
    workload: { namespace: env.MESH_POLICY_NAMESPACE, labels },
    issuer: env.MESH_POLICY_ISSUER,
    jwksUri: env.MESH_POLICY_JWKS_URI,
    peerSecret: env.MESH_PEER_SECRET,
  }
}
