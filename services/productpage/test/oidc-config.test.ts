import { ConfigError } from '@bookinfo/service-kit'
import { describe, expect, it } from 'vitest'
import { DEV_SESSION_SECRET, configFromEnv } from '../src/config.ts'

const OIDC = {
  OIDC_ISSUER: 'http://localhost:9090/',
  OIDC_CLIENT_ID: 'bookinfo-productpage',
  OIDC_CLIENT_SECRET: 'bookinfo-dev-client-secret',
  OIDC_CALLBACK_URL: 'http://localhost:9080/callback',
}

const AUTH0 = {
  AUTH0_DOMAIN: 'bookinfo.eu.auth0.com',
  AUTH0_CLIENT_ID: 'abc123',
  AUTH0_CLIENT_SECRET: 'auth0-secret',
  AUTH0_CALLBACK_URL: 'http://localhost:8080/callback',
  AUTH0_AUDIENCE: 'https://bookinfo.io',
}

function expectConfigError (env: Record<string, string>, ...names: string[]): void {
  let error: unknown
  try {
    configFromEnv(env)
  } catch (err) {
    error = err
  }
  expect(error).toBeInstanceOf(ConfigError)
  for (const name of names) expect((error as Error).message).toContain(name)
}

describe('OIDC configuration', () => {
  it('without OIDC_ISSUER or AUTH0_DOMAIN the simple login stays (drop-in default)', () => {
    const { config } = configFromEnv({ OIDC_CLIENT_ID: 'ignored-alone' })
    expect(config.authMode).toBe('simple')
    expect(config.oidc).toBeUndefined()
  })

  it('OIDC_* names: defaults for audience, scope, back channel (issuer origin), timeout and session', () => {
    const { config } = configFromEnv(OIDC)
    expect(config.authMode).toBe('oidc')
    expect(config.oidc).toEqual({
      issuer: 'http://localhost:9090/',
      backChannelOrigin: 'http://localhost:9090',
      clientId: 'bookinfo-productpage',
      clientSecret: 'bookinfo-dev-client-secret',
      callbackUrl: 'http://localhost:9080/callback',
      audience: 'https://bookinfo.io',
      scope: 'openid profile email',
      httpTimeoutMs: 5000,
      session: { secret: DEV_SESSION_SECRET, secretIsDevDefault: true, cookieSecure: false, maxAgeSeconds: 28_800 },
    })
  })

  it('the issuer is kept exactly as given (with or without its trailing slash)', () => {
    expect(configFromEnv({ ...OIDC, OIDC_ISSUER: 'https://idp.example/realms/bookinfo' }).config.oidc?.issuer).toBe('https://idp.example/realms/bookinfo')
    expect(configFromEnv({ ...OIDC, OIDC_ISSUER: 'https://tenant.auth0.com/' }).config.oidc?.issuer).toBe('https://tenant.auth0.com/')
  })

  it('reads every optional variable', () => {
    const { config } = configFromEnv({
      ...OIDC,
      OIDC_INTERNAL_BASE_URL: 'http://idp.bookinfo.svc:9090',
      OIDC_AUDIENCE: 'https://api.example',
      OIDC_SCOPE: 'openid profile offline_access',
      OIDC_HTTP_TIMEOUT_MS: '750',
      SESSION_SECRET: 's'.repeat(40),
      SESSION_REDIS_URL: 'redis://redis:6379/0',
      SESSION_MAX_AGE_SECONDS: '3600',
      COOKIE_SECURE: 'true',
    })
    expect(config.oidc).toMatchObject({
      backChannelOrigin: 'http://idp.bookinfo.svc:9090',
      audience: 'https://api.example',
      scope: 'openid profile offline_access',
      httpTimeoutMs: 750,
      session: { secret: 's'.repeat(40), secretIsDevDefault: false, cookieSecure: true, maxAgeSeconds: 3600, redisUrl: 'redis://redis:6379/0' },
    })
  })

  it('a trailing slash on OIDC_INTERNAL_BASE_URL is fine', () => {
    expect(configFromEnv({ ...OIDC, OIDC_INTERNAL_BASE_URL: 'http://127.0.0.1:9090/' }).config.oidc?.backChannelOrigin).toBe('http://127.0.0.1:9090')
  })

  it('Auth0 names work as-is: issuer https://<domain>/', () => {
    const { config } = configFromEnv(AUTH0)
    expect(config.authMode).toBe('oidc')
    expect(config.oidc).toMatchObject({
      issuer: 'https://bookinfo.eu.auth0.com/',
      backChannelOrigin: 'https://bookinfo.eu.auth0.com',
      clientId: 'abc123',
      clientSecret: 'auth0-secret',
      callbackUrl: 'http://localhost:8080/callback',
      audience: 'https://bookinfo.io',
    })
  })

  it('each OIDC_* name wins over its AUTH0_* twin', () => {
    const { config } = configFromEnv({ ...AUTH0, ...OIDC, OIDC_AUDIENCE: 'https://other.example' })
    expect(config.oidc).toMatchObject({
      issuer: OIDC.OIDC_ISSUER,
      clientId: OIDC.OIDC_CLIENT_ID,
      clientSecret: OIDC.OIDC_CLIENT_SECRET,
      callbackUrl: OIDC.OIDC_CALLBACK_URL,
      audience: 'https://other.example',
    })
  })

  it.each([
    ['OIDC_CLIENT_ID', 'AUTH0_CLIENT_ID'],
    ['OIDC_CLIENT_SECRET', 'AUTH0_CLIENT_SECRET'],
    ['OIDC_CALLBACK_URL', 'AUTH0_CALLBACK_URL'],
  ])('OIDC mode without %s is a ConfigError naming it', (oidcName, auth0Name) => {
    const env: Record<string, string> = { ...OIDC }
    delete env[oidcName]
    expectConfigError(env, oidcName, auth0Name)
    const auth0: Record<string, string> = { ...AUTH0 }
    delete auth0[auth0Name]
    expectConfigError(auth0, oidcName, auth0Name)
  })

  it('NODE_ENV=production requires SESSION_SECRET in OIDC mode (not in simple mode)', () => {
    expectConfigError({ ...OIDC, NODE_ENV: 'production' }, 'SESSION_SECRET')
    expect(configFromEnv({ ...OIDC, NODE_ENV: 'production', SESSION_SECRET: 'p'.repeat(32) }).config.oidc?.session.secretIsDevDefault).toBe(false)
    expect(configFromEnv({ NODE_ENV: 'production' }).config.authMode).toBe('simple')
    expect(configFromEnv({ ...OIDC, NODE_ENV: 'development' }).config.oidc?.session.secretIsDevDefault).toBe(true)
  })

  it.each([
    ['OIDC_ISSUER', 'localhost:9090'],
    ['OIDC_ISSUER', 'ftp://idp/'],
    ['OIDC_ISSUER', 'http://user:pw@idp/'],
    ['OIDC_ISSUER', 'http://idp/?x=1'],
    ['OIDC_INTERNAL_BASE_URL', 'http://idp:9090/some/path'],
    ['OIDC_INTERNAL_BASE_URL', 'idp:9090'],
    ['OIDC_CALLBACK_URL', '/callback'],
    ['OIDC_SCOPE', 'profile email'],
    ['OIDC_SCOPE', 'openid  profile'],
    ['OIDC_HTTP_TIMEOUT_MS', '0'],
    ['OIDC_CLIENT_SECRET', 'caf\u00e9'],
    ['SESSION_REDIS_URL', 'http://redis:6379'],
    ['SESSION_MAX_AGE_SECONDS', '10'],
    ['SESSION_SECRET', 'short'],
  ])('%s=%s is refused with an error naming the variable', (name, value) => {
    expectConfigError({ ...OIDC, [name]: value }, name)
  })

  it.each([
    ['AUTH0_DOMAIN', 'https://tenant.auth0.com'],
    ['AUTH0_DOMAIN', 'tenant.auth0.com/path'],
    ['AUTH0_CALLBACK_URL', 'callback'],
  ])('%s=%s is refused with an error naming the variable', (name, value) => {
    expectConfigError({ ...AUTH0, [name]: value }, name)
  })
})
