import { loadEnv, serviceEnvSchema, type BaseEnv } from '@bookinfo/service-kit'
import { MESH_POLICY_ENV_PROPERTIES, meshPolicyOptionsFromEnv, type MeshPolicyEnv, type MeshPolicyOptions } from '@bookinfo/mesh-policy'

/** Upstream's image variants; each is the same code with another SERVICE_VERSION. */
export const SERVICE_VERSIONS = ['v1', 'v2', 'v-faulty', 'v-delayed', 'v-unavailable', 'v-unhealthy'] as const
export type ServiceVersion = typeof SERVICE_VERSIONS[number]

export const ENV_SCHEMA = serviceEnvSchema({
  // Upstream treated an unknown value as v1; a typo in a manifest should fail loudly instead.
  SERVICE_VERSION: { type: 'string', enum: [...SERVICE_VERSIONS], default: 'v1' },
  // Upstream: `mysql` selects MySQL, anything else MongoDB. We accept the two names only.
  DB_TYPE: { type: 'string', enum: ['mysql', 'mongodb'], default: 'mongodb' },
  MYSQL_DB_HOST: { type: 'string', minLength: 1, default: 'localhost' },
  MYSQL_DB_PORT: { type: 'integer', minimum: 1, maximum: 65535, default: 3306 },
  MYSQL_DB_USER: { type: 'string', minLength: 1, default: 'root' },
  MYSQL_DB_PASSWORD: { type: 'string', default: '' },
  MONGO_DB_URL: { type: 'string', pattern: '^mongodb(\\+srv)?://', default: 'mongodb://localhost:27017/test' },
  // Ours: reviews gives ratings 2.5 s (red stars) or 10 s, so a dead database must fail well inside that.
  DB_CONNECT_TIMEOUT_MS: { type: 'integer', minimum: 100, maximum: 60_000, default: 1_000 },
  DB_QUERY_TIMEOUT_MS: { type: 'integer', minimum: 100, maximum: 60_000, default: 1_000 },
}, MESH_POLICY_ENV_PROPERTIES)

interface RatingsEnv extends BaseEnv, MeshPolicyEnv {
  SERVICE_VERSION: ServiceVersion
  DB_TYPE: 'mysql' | 'mongodb'
  MYSQL_DB_HOST: string
  MYSQL_DB_PORT: number
  MYSQL_DB_USER: string
  MYSQL_DB_PASSWORD: string
  MONGO_DB_URL: string
  DB_CONNECT_TIMEOUT_MS: number
  DB_QUERY_TIMEOUT_MS: number
}

export interface DatabaseConfig {
  type: 'mysql' | 'mongodb'
  mysql: { host: string, port: number, user: string, password: string }
  mongoUrl: string
  connectTimeoutMs: number
  queryTimeoutMs: number
}

export interface Config {
  serviceVersion: ServiceVersion
  database: DatabaseConfig
  /** POSTed ratings kept in memory: at most this many product ids, the oldest write evicted first. */
  storeMaxIds: number
  /** v-delayed: how long a delayed answer waits (upstream 7 s). */
  delayMs: number
  /** v-unavailable: the available/unavailable flag flips this often (upstream 60 s). */
  unavailablePeriodMs: number
  /** v-unhealthy: the healthy/unhealthy flag flips this often (upstream 15 min). */
  unhealthyPeriodMs: number
  /** Enforces istio/security in-process when no mesh is present (MESH_POLICY=on). */
  meshPolicy?: MeshPolicyOptions
}

export function configFromEnv (env: Record<string, string | undefined>): { base: BaseEnv, config: Config } {
  const e = loadEnv<RatingsEnv>(ENV_SCHEMA, env)
  return {
    base: e,
    config: {
      serviceVersion: e.SERVICE_VERSION,
      database: {
        type: e.DB_TYPE,
        mysql: { host: e.MYSQL_DB_HOST, port: e.MYSQL_DB_PORT, user: e.MYSQL_DB_USER, password: e.MYSQL_DB_PASSWORD },
        mongoUrl: e.MONGO_DB_URL,
        connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
        queryTimeoutMs: e.DB_QUERY_TIMEOUT_MS,
      },
      storeMaxIds: 10_000,
      delayMs: 7_000,
      unavailablePeriodMs: 60_000,
      unhealthyPeriodMs: 15 * 60_000,
      meshPolicy: meshPolicyOptionsFromEnv(e, { app: 'ratings', version: e.SERVICE_VERSION }),
    },
  }
}
