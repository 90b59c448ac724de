import { BASE_ENV_PROPERTIES, loadEnv, type BaseEnv, type EnvJsonSchema } from '@bookinfo/service-kit'

// A DNS name, an IPv4 address or a bracketed IPv6 literal: nothing that could change the URL's shape.
const HOST_PATTERN = '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)$'
const PORT = { type: 'integer', minimum: 1, maximum: 65535, default: 9080 }

/** Env vars of productpage: upstream's (contract §5.1) plus ours (session, cookie, call deadline). */
export const PRODUCTPAGE_ENV_SCHEMA: EnvJsonSchema = {
  type: 'object',
  properties: {
    ...BASE_ENV_PROPERTIES,
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
  },
}

interface ProductpageEnv extends BaseEnv {
  SERVICES_DOMAIN?: string
  DETAILS_HOSTNAME: string
  DETAILS_SERVICE_PORT: number
  REVIEWS_HOSTNAME: string
  REVIEWS_SERVICE_PORT: number
  RATINGS_HOSTNAME: string
  RATINGS_SERVICE_PORT: number
  FLOOD_FACTOR: number
  SESSION_SECRET?: string
  COOKIE_SECURE: boolean
  BACKEND_TIMEOUT_MS: number
}

/**
 * Signing key used when SESSION_SECRET is unset, so `pnpm dev` works out of the box (upstream hard-coded
 * its key). Anyone can forge a session with it: the app logs a warning at start-up when it is in use.
 */
export const DEV_SESSION_SECRET = 'bookinfo-dev-only-session-signing-key-do-not-use'

/** How users sign in. Only the simple (upstream) login exists yet; an OIDC mode will sit beside it. */
export type AuthModeName = 'simple'

export interface SimpleLoginConfig {
  /** Signs the `session` cookie (HMAC); at least 32 characters when set through the environment. */
  secret: string
  /** True when `secret` is the built-in development key. */
  secretIsDevDefault: boolean
  /** Adds `Secure` to the cookie (set it when users reach the app over HTTPS). */
  cookieSecure: boolean
}

export interface ProductpageConfig {
  /** Base URLs (`http://host[.domain]:port`) of the three backends. */
  backends: { details: string, reviews: string, ratings: string }
  /** Extra reviews calls per /productpage view (upstream's rate-limit demo). */
  floodFactor: number
  /** Hard deadline of one outbound attempt (upstream: 3 s). */
  backendTimeoutMs: number
  authMode: AuthModeName
  simpleLogin: SimpleLoginConfig
}

export function backendUrl (host: string, domain: string | undefined, port: number): string {
  return `http://${host}${domain ? `.${domain}` : ''}:${port}`
}

export function configFromEnv (env: Record<string, string | undefined>): { base: BaseEnv, config: ProductpageConfig } {
  const e = loadEnv<ProductpageEnv>(PRODUCTPAGE_ENV_SCHEMA, env)
  const domain = e.SERVICES_DOMAIN
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
      authMode: 'simple',
      simpleLogin: {
        secret: e.SESSION_SECRET ?? DEV_SESSION_SECRET,
        secretIsDevDefault: e.SESSION_SECRET === undefined,
        cookieSecure: e.COOKIE_SECURE,
      },
    },
  }
}
