import { ConfigError } from '@bookinfo/service-kit'

/** The variables of the login: the session key and flags, and the OIDC client (with its Auth0 twins). */
export interface LoginEnv {
  SESSION_SECRET?: string
  COOKIE_SECURE: boolean
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

/**
 * OIDC mode is on when OIDC_ISSUER or AUTH0_DOMAIN is set; then the client id, secret and callback are
 * required. Each OIDC_* name wins over its AUTH0_* twin (the Auth0 sample's Secret works unchanged).
 */
export function oidcConfigFromEnv (e: LoginEnv): OidcConfig | undefined {
  if (e.OIDC_ISSUER === undefined && e.AUTH0_DOMAIN === undefined) return undefined
  const issuer = e.OIDC_ISSUER ?? `https://${e.AUTH0_DOMAIN}/`
  const issuerUrl = parseUrl(e.OIDC_ISSUER === undefined ? 'AUTH0_DOMAIN' : 'OIDC_ISSUER', issuer)
  if (issuerUrl.search !== '' || issuerUrl.hash !== '') fail('OIDC_ISSUER must have no query or fragment')

  const required = (oidcName: keyof LoginEnv, auth0Name: keyof LoginEnv): string => {
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
export function cookieSigningFromEnv (e: LoginEnv): SimpleLoginConfig {
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
