import { fileURLToPath } from 'node:url'
import { ConfigError, loadEnv, type EnvJsonSchema } from '@bookinfo/service-kit'
import type { LoginLimitConfig } from './login-limits.ts'

/** The seed shipped beside `src/`: personas, roles, the API and the productpage client. */
export const DEFAULT_SEED_FILE = fileURLToPath(new URL('../seed.json', import.meta.url))

/** The productpage client's secret when IDP_DEV_CLIENT_SECRET is unset (dev only, documented in the README). */
export const DEV_CLIENT_SECRET = 'bookinfo-dev-client-secret'

const URL_PATTERN = /^https?:\/\/[^\s]+$/

/** Env vars of the dev IdP. Every one is optional: the defaults run the local stack on loopback. */
export const IDP_ENV_SCHEMA: EnvJsonSchema = {
  type: 'object',
  properties: {
    IDP_PORT: { type: 'integer', minimum: 1, maximum: 65535, default: 9090 },
    IDP_HOST: { type: 'string', minLength: 1, default: '127.0.0.1' },
    // Auth0 issuers end with a slash (`https://<tenant>/`); consumers compare `iss` byte for byte.
    IDP_ISSUER: { type: 'string', pattern: '^https?://[^/?#\\s]+/$', default: 'http://localhost:9090/' },
    IDP_CONFIG: { type: 'string', minLength: 1, default: DEFAULT_SEED_FILE },
    IDP_KEYS_FILE: { type: 'string', minLength: 1 },
    IDP_COOKIE_KEYS: { type: 'string', minLength: 1 },
    IDP_USER_PASSWORD: { type: 'string', minLength: 1 },
    IDP_MOD_PASSWORD: { type: 'string', minLength: 1 },
    IDP_JASON_PASSWORD: { type: 'string', minLength: 1 },
    IDP_ACCESS_TOKEN_TTL: { type: 'integer', minimum: 1, maximum: 86_400, default: 3600 },
    IDP_DEV_CLIENT_SECRET: { type: 'string', minLength: 8, default: DEV_CLIENT_SECRET },
    IDP_REDIRECT_URIS: { type: 'string', minLength: 1, default: 'http://localhost:9080/callback' },
    IDP_POST_LOGOUT_URIS: { type: 'string', minLength: 1, default: 'http://localhost:9080/productpage' },
    // Failed password logins allowed per account and per client address in a window; 0 turns either off.
    IDP_LOGIN_FAILURES_PER_ACCOUNT: { type: 'integer', minimum: 0, maximum: 100_000, default: 10 },
    IDP_LOGIN_FAILURES_PER_IP: { type: 'integer', minimum: 0, maximum: 100_000, default: 50 },
    IDP_LOGIN_WINDOW_SECONDS: { type: 'integer', minimum: 1, maximum: 86_400, default: 300 },
    // Proxies in front whose X-Forwarded-For counts when telling clients apart (0: the socket's peer).
    IDP_TRUST_PROXY_HOPS: { type: 'integer', minimum: 0, maximum: 16, default: 0 },
  },
}

interface IdpEnv {
  IDP_PORT: number
  IDP_HOST: string
  IDP_ISSUER: string
  IDP_CONFIG: string
  IDP_KEYS_FILE?: string
  IDP_COOKIE_KEYS?: string
  IDP_USER_PASSWORD?: string
  IDP_MOD_PASSWORD?: string
  IDP_JASON_PASSWORD?: string
  IDP_ACCESS_TOKEN_TTL: number
  IDP_DEV_CLIENT_SECRET: string
  IDP_REDIRECT_URIS: string
  IDP_POST_LOGOUT_URIS: string
  IDP_LOGIN_FAILURES_PER_ACCOUNT: number
  IDP_LOGIN_FAILURES_PER_IP: number
  IDP_LOGIN_WINDOW_SECONDS: number
  IDP_TRUST_PROXY_HOPS: number
}

/** Names of the env vars a seed user may point at (`passwordEnv`) to replace its documented dev password. */
export const PASSWORD_ENV_NAMES = ['IDP_USER_PASSWORD', 'IDP_MOD_PASSWORD', 'IDP_JASON_PASSWORD'] as const

export interface IdpConfig {
  port: number
  host: string
  /** Public issuer, with its trailing slash: what the browser sees and what `iss` carries. */
  issuer: string
  seedFile: string
  keysFile: string | undefined
  /** Cookie signing keys; undefined → random keys for this process (sessions end with it). */
  cookieKeys: string[] | undefined
  /** Env-var name → password, for the set ones only. */
  passwordOverrides: Record<string, string>
  accessTokenTtl: number
  clientSecret: string
  redirectUris: string[]
  postLogoutUris: string[]
  /** Brute-force limits of the password form (login-limits.ts). */
  loginLimits: LoginLimitConfig
}

function commaList (raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter((s) => s !== '')
}

function urlList (name: string, raw: string): string[] {
  const list = commaList(raw)
  const bad = list.find((u) => !URL_PATTERN.test(u) || !URL.canParse(u) || u.includes('#'))
  if (list.length === 0 || bad !== undefined) {
    throw new ConfigError(`invalid environment: ${name} must be a comma-separated list of absolute http(s) URLs without fragments`)
  }
  return list
}

export function configFromEnv (env: Record<string, string | undefined>): IdpConfig {
  const parsed = loadEnv<IdpEnv>(IDP_ENV_SCHEMA, env)
  const passwordOverrides: Record<string, string> = {}
  for (const name of PASSWORD_ENV_NAMES) {
    const value = parsed[name]
    if (value !== undefined) passwordOverrides[name] = value
  }
  const cookieKeys = parsed.IDP_COOKIE_KEYS === undefined ? undefined : commaList(parsed.IDP_COOKIE_KEYS)
  if (cookieKeys !== undefined && (cookieKeys.length === 0 || cookieKeys.some((k) => k.length < 16))) {
    throw new ConfigError('invalid environment: IDP_COOKIE_KEYS must be a comma-separated list of keys of at least 16 characters')
  }
  return {
    port: parsed.IDP_PORT,
    host: parsed.IDP_HOST,
    issuer: parsed.IDP_ISSUER,
    seedFile: parsed.IDP_CONFIG,
    keysFile: parsed.IDP_KEYS_FILE,
    cookieKeys,
    passwordOverrides,
    accessTokenTtl: parsed.IDP_ACCESS_TOKEN_TTL,
    clientSecret: parsed.IDP_DEV_CLIENT_SECRET,
    redirectUris: urlList('IDP_REDIRECT_URIS', parsed.IDP_REDIRECT_URIS),
    postLogoutUris: urlList('IDP_POST_LOGOUT_URIS', parsed.IDP_POST_LOGOUT_URIS),
    loginLimits: {
      failuresPerAccount: parsed.IDP_LOGIN_FAILURES_PER_ACCOUNT,
      failuresPerIp: parsed.IDP_LOGIN_FAILURES_PER_IP,
      windowSeconds: parsed.IDP_LOGIN_WINDOW_SECONDS,
      trustProxyHops: parsed.IDP_TRUST_PROXY_HOPS,
    },
  }
}
