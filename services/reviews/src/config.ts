import { hostname } from 'node:os'
import { OUTBOUND_CONNECTIONS_ENV, backendUrl, loadEnv, serviceEnvSchema, type BaseEnv, type OutboundConnections } from '@bookinfo/service-kit'
import { MESH_POLICY_ENV_PROPERTIES, meshPolicyOptionsFromEnv, serviceAccountPrincipal, type MeshPolicyEnv, type MeshPolicyOptions } from '@bookinfo/mesh-policy'
import { javaBoolean, ratingsTimeoutMs } from './ratings-settings.ts'

/** Env vars of reviews (contract §4.1) plus our RATINGS_TIMEOUT_MS. */
export const REVIEWS_ENV_SCHEMA = serviceEnvSchema({
  SERVICE_VERSION: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,63}$', default: 'v1' },
  ENABLE_RATINGS: { type: 'string' },
  STAR_COLOR: { type: 'string', default: 'black' },
  SERVICES_DOMAIN: { type: 'string' },
  RATINGS_HOSTNAME: { type: 'string', default: 'ratings', pattern: '^[^\\s/?#@]+$' },
  RATINGS_SERVICE_PORT: { type: 'integer', minimum: 1, maximum: 65535, default: 9080 },
  HOSTNAME: { type: 'string' },
  CLUSTER_NAME: { type: 'string' },
  RATINGS_TIMEOUT_MS: { type: 'integer', minimum: 1, maximum: 120_000 },
  ...OUTBOUND_CONNECTIONS_ENV,
}, MESH_POLICY_ENV_PROPERTIES)

interface ReviewsEnv extends BaseEnv, MeshPolicyEnv {
  SERVICE_VERSION: string
  ENABLE_RATINGS?: string
  STAR_COLOR: string
  SERVICES_DOMAIN?: string
  RATINGS_HOSTNAME: string
  RATINGS_SERVICE_PORT: number
  HOSTNAME?: string
  CLUSTER_NAME?: string
  RATINGS_TIMEOUT_MS?: number
  OUTBOUND_CONNECTIONS: OutboundConnections
}

export interface RatingsClientConfig {
  /** `http://ratings:9080`; the call goes to `<origin>/ratings/<id>`. */
  origin: string
  timeoutMs: number
  /** A new connection per call (upstream), or pooled keep-alive connections. */
  connections: OutboundConnections
  /**
   * Outside a mesh, ratings' policy needs our source principal: a short assertion signed with the shared
   * peer secret stands in for the mTLS identity (packages/mesh-policy README, "Source principals").
   */
  peer?: { secret: string, principal: string }
}

export interface ReviewsConfig {
  /** undefined → reviews v1: no `rating` keys, ratings never called. */
  ratings: RatingsClientConfig | undefined
  starColor: string
  podName: string
  /** The literal string "null" when CLUSTER_NAME is unset, as upstream prints Java's null. */
  clusterName: string
  /** Enforces istio/security in-process when no mesh is present (MESH_POLICY=on). */
  meshPolicy?: MeshPolicyOptions
}

export function configFromEnv (env: Record<string, string | undefined>): { base: BaseEnv, config: ReviewsConfig } {
  const parsed = loadEnv<ReviewsEnv>(REVIEWS_ENV_SCHEMA, env)
  const ratings = javaBoolean(parsed.ENABLE_RATINGS)
    ? {
        origin: backendUrl(parsed.RATINGS_HOSTNAME, parsed.SERVICES_DOMAIN, parsed.RATINGS_SERVICE_PORT),
        timeoutMs: ratingsTimeoutMs(parsed.STAR_COLOR, parsed.RATINGS_TIMEOUT_MS),
        connections: parsed.OUTBOUND_CONNECTIONS,
        ...(parsed.MESH_PEER_SECRET
          ? { peer: { secret: parsed.MESH_PEER_SECRET, principal: serviceAccountPrincipal(parsed.MESH_POLICY_NAMESPACE, 'bookinfo-reviews', parsed.MESH_POLICY_TRUST_DOMAIN) } }
          : {}),
      }
    : undefined
  return {
    base: parsed,
    config: {
      ratings,
      starColor: parsed.STAR_COLOR,
      podName: parsed.HOSTNAME ?? hostname(),
      clusterName: parsed.CLUSTER_NAME ?? 'null',
      meshPolicy: meshPolicyOptionsFromEnv(parsed, { app: 'reviews', version: parsed.SERVICE_VERSION }),
    },
  }
}
