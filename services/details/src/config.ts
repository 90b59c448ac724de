import { loadEnv, serviceEnvSchema, type BaseEnv } from '@bookinfo/service-kit'
import { MESH_POLICY_ENV_PROPERTIES, meshPolicyOptionsFromEnv, type MeshPolicyEnv, type MeshPolicyOptions } from '@bookinfo/mesh-policy'

/** The ISBN upstream details v2 looks up (the legacy e2e test expected it on the product page). */
export const EXTERNAL_BOOK_ISBN = '0486424618'

/** Env vars of details. Upstream reads the first two; the others are ours (overrides for tests and demos). */
export const DETAILS_ENV_SCHEMA = serviceEnvSchema({
  // Upstream compares with === 'true': only the exact lower-case string turns the mode on.
  ENABLE_EXTERNAL_BOOK_SERVICE: { type: 'string', default: 'false' },
  DO_NOT_ENCRYPT: { type: 'string', default: 'false' },
  EXTERNAL_BOOK_SERVICE_URL: { type: 'string', pattern: '^https?://[^/?#\\s]+/?$' },
  EXTERNAL_BOOK_TIMEOUT_MS: { type: 'integer', minimum: 1, maximum: 120_000, default: 5000 },
}, MESH_POLICY_ENV_PROPERTIES)

interface DetailsEnv extends BaseEnv, MeshPolicyEnv {
  ENABLE_EXTERNAL_BOOK_SERVICE: string
  DO_NOT_ENCRYPT: string
  EXTERNAL_BOOK_SERVICE_URL?: string
  EXTERNAL_BOOK_TIMEOUT_MS: number
}

export interface ExternalBookConfig {
  /** Full URL of the volumes query, e.g. `https://www.googleapis.com:443/books/v1/volumes?q=isbn:…`. */
  url: string
  timeoutMs: number
}

export interface DetailsConfig {
  /** Set in external book mode (details v2); undefined → the static book. */
  externalBook: ExternalBookConfig | undefined
  /** Enforces istio/security in-process when no mesh is present (MESH_POLICY=on). */
  meshPolicy?: MeshPolicyOptions
}

/** The Google Books origin upstream uses; DO_NOT_ENCRYPT=true leaves TLS to the mesh (egress rule). */
export function externalBookOrigin (doNotEncrypt: string, override: string | undefined): string {
  if (override !== undefined) return override.replace(/\/$/, '')
  return doNotEncrypt === 'true' ? 'http://www.googleapis.com:80' : 'https://www.googleapis.com:443'
}

export function configFromEnv (env: Record<string, string | undefined>): { base: BaseEnv, config: DetailsConfig } {
  const parsed = loadEnv<DetailsEnv>(DETAILS_ENV_SCHEMA, env)
  const origin = externalBookOrigin(parsed.DO_NOT_ENCRYPT, parsed.EXTERNAL_BOOK_SERVICE_URL)
  const externalBook = parsed.ENABLE_EXTERNAL_BOOK_SERVICE === 'true'
    ? { url: `${origin}/books/v1/volumes?q=isbn:${EXTERNAL_BOOK_ISBN}`, timeoutMs: parsed.EXTERNAL_BOOK_TIMEOUT_MS }
    : undefined
  const meshPolicy = meshPolicyOptionsFromEnv(parsed, { app: 'details', version: 'v1' })
  return { base: parsed, config: { externalBook, meshPolicy } }
}
