import { OUTBOUND_CONNECTIONS_ENV, backendUrl, loadEnv, serviceEnvSchema, type BaseEnv, type OutboundConnections } from '@bookinfo/service-kit'
import { MESH_POLICY_ENV_PROPERTIES, meshPolicyOptionsFromEnv, type MeshPolicyEnv, type MeshPolicyOptions } from '@bookinfo/mesh-policy'
import type { LoginRateLimit } from './plugins/rate-limit.ts'
import { cookieSigningFromEnv, oidcConfigFromEnv, type AuthModeName, type LoginEnv, type OidcConfig, type SimpleLoginConfig } from './login-config.ts'

export { DEFAULT_AUDIENCE, DEFAULT_SCOPE, DEV_SESSION_SECRET, type AuthModeName, type OidcConfig, type SessionConfig, type SimpleLoginConfig } from './login-config.ts'

// A DNS name, an IPv4 address or a bracketed IPv6 literal: nothing that could change the URL's shape.
const HOST_PATTERN = '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)$'
const PORT = { type: 'integer', minimum: 1, maximum: 65535, default: 9080 }
// An absolute http(s) URL without spaces (parsed again below, where the error can name the variable).
const HTTP_URL = { type: 'string', pattern: '^https?://[^\\s]+$', maxLength: 2048 }
// A value that goes into a query string or a Basic header: printable ASCII only.
const PRINTABLE = { type: 'string', pattern: '^[ -~]+$', maxLength: 1024 }

/** Env vars of productpage: upstream's (contract §5.1) plus ours (session, cookie, call deadline). */
export const PRODUCTPAGE_ENV_SCHEMA = serviceEnvSchema({
  SERVICES_DOMAIN: { type: 'string', pattern: HOST_PATTERN },
  DETAILS_HOSTNAME: { type: 'string', pattern: HOST_PATTERN, default: 'details' },
  DETAILS_SERVICE_PORT: PORT,
  REVIEWS_HOSTNAME: { type: 'string', pattern: HOST_PATTERN, default: 'reviews' },
  REVIEWS_SERVICE_PORT: PORT,
  RATINGS_HOSTNAME: { type: 'string', pattern: HOST_PATTERN, default: 'ratings' },
  RATINGS_SERVICE_PORT: PORT,
  // Upstream's flooding image sets 100; the bound keeps one page view from opening unbounded sockets.
  FLOOD_FACTOR: { type: 'integer', minimum: 0, maximum: 1000, default: 0 },
  SESSION_SECRET: { type: 'string', minLength: 32 },
  COOKIE_SECURE: { type: 'boolean', default: false },
  BACKEND_TIMEOUT_MS: { type: 'integer', minimum: 1, maximum: 120_000, default: 3000 },
  ...OUTBOUND_CONNECTIONS_ENV,
  NODE_ENV: { type: 'string', maxLength: 64 },
  // OIDC login (on when OIDC_ISSUER or AUTH0_DOMAIN is set); the OIDC_* names win over the AUTH0_* ones.
  OIDC_ISSUER: HTTP_URL,
  OIDC_INTERNAL_BASE_URL: HTTP_URL,
  OIDC_CLIENT_ID: PRINTABLE,
  OIDC_CLIENT_SECRET: PRINTABLE,
  OIDC_CALLBACK_URL: HTTP_URL,
  OIDC_AUDIENCE: PRINTABLE,
  OIDC_SCOPE: { type: 'string', pattern: '^[!#-\\[\\]-~]+( [!#-\\[\\]-~]+)*$', maxLength: 1024 },
  OIDC_HTTP_TIMEOUT_MS: { type: 'integer', minimum: 1, maximum: 120_000, default: 5000 },
  AUTH0_DOMAIN: { type: 'string', pattern: '^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$', maxLength: 253 },
  AUTH0_CLIENT_ID: PRINTABLE,
  AUTH0_CLIENT_SECRET: PRINTABLE,
  AUTH0_CALLBACK_URL: HTTP_URL,
  AUTH0_AUDIENCE: PRINTABLE,
  SESSION_REDIS_URL: { type: 'string', pattern: '^rediss?://[^\\s]+$', maxLength: 2048 },
  SESSION_MAX_AGE_SECONDS: { type: 'integer', minimum: 60, maximum: 30 * 24 * 3600, default: 8 * 3600 },
  // Requests per client to each of /login and /callback per window (OIDC mode); 0 turns the limit off.
  LOGIN_RATE_LIMIT: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 300 },
  LOGIN_RATE_LIMIT_WINDOW_SECONDS: { type: 'integer', minimum: 1, maximum: 3600, default: 60 },
  // Proxies in front whose X-Forwarded-For/-Proto are believed (the client is that many hops back); unset: none.
  TRUST_PROXY_HOPS: { type: 'integer', minimum: 0, maximum: 16 },
}, MESH_POLICY_ENV_PROPERTIES)

export interface ProductpageEnv extends BaseEnv, MeshPolicyEnv, LoginEnv {
  SERVICES_DOMAIN?: string
  DETAILS_HOSTNAME: string
  DETAILS_SERVICE_PORT: number
  REVIEWS_HOSTNAME: string
  REVIEWS_SERVICE_PORT: number
  RATINGS_HOSTNAME: string
  RATINGS_SERVICE_PORT: number
  FLOOD_FACTOR: number
  BACKEND_TIMEOUT_MS: number
  LOGIN_RATE_LIMIT: number
  LOGIN_RATE_LIMIT_WINDOW_SECONDS: number
  TRUST_PROXY_HOPS?: number
  OUTBOUND_CONNECTIONS: OutboundConnections
}

export interface ProductpageConfig {
  /** Base URLs (`http://host[.domain]:port`) of the three backends. */
  backends: { details: string, reviews: string, ratings: string }
  /** Extra reviews calls per /productpage view (upstream's rate-limit demo). */
  floodFactor: number
  /** Hard deadline of one outbound attempt (upstream: 3 s). */
  backendTimeoutMs: number
  /** A new connection per backend call (upstream), or pooled keep-alive connections. */
  backendConnections: OutboundConnections
  authMode: AuthModeName
  simpleLogin: SimpleLoginConfig
  /** Set exactly when `authMode` is 'oidc'. */
  oidc?: OidcConfig
  /** Enforces istio/security in-process when no mesh is present (MESH_POLICY=on). */
  meshPolicy?: MeshPolicyOptions
  /** Requests per client to /login and /callback per window (OIDC mode; max 0: off). */
  loginRateLimit: LoginRateLimit
  /** Proxies in front whose X-Forwarded-* headers count; undefined: none (COOKIE_SECURE still trusts X-Forwarded-Proto). */
  trustProxyHops?: number
}

export function configFromEnv (env: Record<string, string | undefined>): { base: BaseEnv, config: ProductpageConfig } {
  const e = loadEnv<ProductpageEnv>(PRODUCTPAGE_ENV_SCHEMA, env)
  const domain = e.SERVICES_DOMAIN
  const oidc = oidcConfigFromEnv(e)
  return {
    base: e,
    config: {
      backends: {
        details: backendUrl(e.DETAILS_HOSTNAME, domain, e.DETAILS_SERVICE_PORT),
        reviews: backendUrl(e.REVIEWS_HOSTNAME, domain, e.REVIEWS_SERVICE_PORT),
        ratings: backendUrl(e.RATINGS_HOSTNAME, domain, e.RATINGS_SERVICE_PORT),
      },
      floodFactor: e.FLOOD_FACTOR,
      backendTimeoutMs: e.BACKEND_TIMEOUT_MS,
      backendConnections: e.OUTBOUND_CONNECTIONS,
      authMode: oidc === undefined ? 'simple' : 'oidc',
      simpleLogin: cookieSigningFromEnv(e),
      ...(oidc === undefined ? {} : { oidc }),
      meshPolicy: meshPolicyOptionsFromEnv(e, { app: 'productpage', version: 'v1' }),
      loginRateLimit: { max: e.LOGIN_RATE_LIMIT, windowSeconds: e.LOGIN_RATE_LIMIT_WINDOW_SECONDS },
      ...(e.TRUST_PROXY_HOPS === undefined ? {} : { trustProxyHops: e.TRUST_PROXY_HOPS }),
    },
  }
}
