import {
  BASE_ENV_PROPERTIES, ConfigError, OUTBOUND_CONNECTIONS_ENV, backendUrl, loadEnv, type BaseEnv, type EnvJsonSchema, type OutboundConnections,
} from '@bookinfo/service-kit'
import { MESH_POLICY_ENV_PROPERTIES, meshPolicyOptionsFromEnv, type MeshPolicyEnv, type MeshPolicyOptions } from '@bookinfo/mesh-policy'

// A DNS name, an IPv4 address or a bracketed IPv6 literal: nothing that could change the URL's shape.
const HOST_PATTERN = '^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)$'
const PORT = { type: 'integer', minimum: 1, maximum: 65535, default: 9080 }
// An absolute http(s) URL without spaces (parsed again below, where the error can name the variable).
const HTTP_URL = { type: 'string', pattern: '^https?://[^\\s]+$', maxLength: 2048 }
// A value that goes into a query string or a Basic header: printable ASCII only.
const PRINTABLE = { type: 'string', pattern: '^[ -~]+$', maxLength: 1024 }

/** Env vars of productpage: upstream's (contract §5.1) plus ours (session, cookie, call deadline). */
export const PRODUCTPAGE_ENV_SCHEMA: EnvJsonSchema = {
  type: 'object',
  properties: {
    ...BASE_ENV_PROPERTIES,
    ...MESH_POLICY_ENV_PROPERTIES,
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
  },
}

interface ProductpageEnv extends BaseEnv, MeshPolicyEnv {
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
  OUTBOUND_CONNECTIONS: OutboundConnections
  NODE_ENV?: string
  OIDC_ISSUER?: string
  OIDC_INTERNAL_BASE_URL?: string
  OIDC_CLIENT_ID?: string
  OIDC_CLIENT_SECRET?: string
  OIDC_CALLBACK_URL?: string
  OIDC_AUDIENCE?: string
  OIDC_SCOPE?: string
  OIDC_HTTP_TIMEOUT_MS: number
  AUTH0_DOMAIN?: string
  AUTH0_CLIENT_ID?: string
  AUTH0_CLIENT_SECRET?: string
  AUTH0_CALLBACK_URL?: string
  AUTH0_AUDIENCE?: string
  SESSION_REDIS_URL?: string
  SESSION_MAX_AGE_SECONDS: number
}

/**
 * Signing key used when SESSION_SECRET is unset, so `pnpm dev` works out of the box (upstream hard-coded
 * its key). Anyone can forge a session with it: the app logs a warning at start-up when it is in use.
 */
export const DEV_SESSION_SECRET = 'bookinfo-dev-only-session-signing-key-do-not-use'

/** How users sign in: upstream's simple form, or OIDC (authorization code + PKCE, Auth0-compatible). */
export type AuthModeName = 'simple' | 'oidc'

export const DEFAULT_AUDIENCE = 'https://bookinfo.io'
export const DEFAULT_SCOPE = 'openid profile email'

export interface SimpleLoginConfig {
  /** Signs the `session` cookie (HMAC); at least 32 characters when set through the environment. */
  secret: string
  /** True when `secret` is the built-in development key. */
  secretIsDevDefault: boolean
  /** Adds `Secure` to the cookie (set it when users reach the app over HTTPS). */
  cookieSecure: boolean
}

/** The server-side session of the OIDC mode (@fastify/session; the cookie holds only the session id). */
export interface SessionConfig {
  /** Signs the session id cookie; at least 32 characters. */
  secret: string
  secretIsDevDefault: boolean
  cookieSecure: boolean
  /** Lifetime of a session (cookie Max-Age and store TTL). */
  maxAgeSeconds: number
  /** Sessions in Redis when set (shared by replicas), else in a bounded in-process store. */
  redisUrl?: string
}

export interface OidcConfig {
  /** Public issuer, exactly as the browser and the ID token's `iss` see it (trailing slash as given). */
  issuer: string
  /** Origin productpage uses for discovery, token, userinfo and JWKS (the back channel). */
  backChannelOrigin: string
  clientId: string
  clientSecret: string
  /** Absolute callback URL registered at the IdP; its directory also gives the logout `returnTo`. */
  callbackUrl: string
  /** Sent as `audience=` (Auth0's name for the API the access token is for). */
  audience: string
  /** Space-separated scopes, `openid` included. */
  scope: string
  /** Deadline of one back-channel call (discovery, token, userinfo, JWKS). */
  httpTimeoutMs: number
  session: SessionConfig
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
    },
  }
}

/**
 * OIDC mode is on when OIDC_ISSUER or AUTH0_DOMAIN is set; then the client id, secret and callback are
 * required. Each OIDC_* name wins over its AUTH0_* twin (the Auth0 sample's Secret works unchanged).
 */
function oidcConfigFromEnv (e: ProductpageEnv): OidcConfig | undefined {
  if (e.OIDC_ISSUER === undefined && e.AUTH0_DOMAIN === undefined) return undefined
  const issuer = e.OIDC_ISSUER ?? `https://${e.AUTH0_DOMAIN}/`
  const issuerUrl = parseUrl(e.OIDC_ISSUER === undefined ? 'AUTH0_DOMAIN' : 'OIDC_ISSUER', issuer)
  if (issuerUrl.search !== '' || issuerUrl.hash !== '') fail('OIDC_ISSUER must have no query or fragment')

  const required = (oidcName: keyof ProductpageEnv, auth0Name: keyof ProductpageEnv): string => {
    const value = e[oidcName] ?? e[auth0Name]
    if (typeof value !== 'string') fail(`${oidcName} (or ${auth0Name}) is required when OIDC login is on`)
    return value
  }
  const clientId = required('OIDC_CLIENT_ID', 'AUTH0_CLIENT_ID')
  const clientSecret = required('OIDC_CLIENT_SECRET', 'AUTH0_CLIENT_SECRET')
  const callbackUrl = required('OIDC_CALLBACK_URL', 'AUTH0_CALLBACK_URL')
  parseUrl(e.OIDC_CALLBACK_URL === undefined ? 'AUTH0_CALLBACK_URL' : 'OIDC_CALLBACK_URL', callbackUrl)

  let backChannelOrigin = issuerUrl.origin
  if (e.OIDC_INTERNAL_BASE_URL !== undefined) {
    const base = parseUrl('OIDC_INTERNAL_BASE_URL', e.OIDC_INTERNAL_BASE_URL)
    if ((base.pathname !== '/' && base.pathname !== '') || base.search !== '' || base.hash !== '') {
      fail('OIDC_INTERNAL_BASE_URL must be an origin (scheme, host and port, no path)')
    }
    backChannelOrigin = base.origin
  }

  const scope = e.OIDC_SCOPE ?? DEFAULT_SCOPE
  if (!scope.split(' ').includes('openid')) fail('OIDC_SCOPE must include openid')

  if (e.SESSION_SECRET === undefined && e.NODE_ENV === 'production') {
    fail('SESSION_SECRET is required when NODE_ENV=production (OIDC login keeps sessions server-side)')
  }

  return {
    issuer,
    backChannelOrigin,
    clientId,
    clientSecret,
    callbackUrl,
    audience: e.OIDC_AUDIENCE ?? e.AUTH0_AUDIENCE ?? DEFAULT_AUDIENCE,
    scope,
    httpTimeoutMs: e.OIDC_HTTP_TIMEOUT_MS,
    session: {
      ...cookieSigningFromEnv(e),
      maxAgeSeconds: e.SESSION_MAX_AGE_SECONDS,
      ...(e.SESSION_REDIS_URL === undefined ? {} : { redisUrl: e.SESSION_REDIS_URL }),
    },
  }
}

/** The session cookie's key and flags, the same in both login modes. */
function cookieSigningFromEnv (e: ProductpageEnv): SimpleLoginConfig {
  return {
    secret: e.SESSION_SECRET ?? DEV_SESSION_SECRET,
    secretIsDevDefault: e.SESSION_SECRET === undefined,
    cookieSecure: e.COOKIE_SECURE,
  }
}

function parseUrl (name: string, value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    fail(`${name} is not a valid URL`)
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') {
    fail(`${name} must be an http(s) URL without credentials`)
  }
  return url
}

function fail (message: string): never {
  throw new ConfigError(`invalid environment: ${message}`)
}
