import { ConfigError } from '@bookinfo/service-kit'
import { describe, expect, it } from 'vitest'
import { DEV_SESSION_SECRET, configFromEnv } from '../src/config.ts'

describe('configFromEnv', () => {
  it('defaults: upstream host names and port 9080, no flooding, 3 s deadline, simple login with the dev key', () => {
    const { base, config: { meshPolicy, ...config } } = configFromEnv({})
    expect(base.PORT).toBe(9080)
    expect(meshPolicy).toMatchObject({ enabled: false, workload: { labels: { app: 'productpage', version: 'v1' } } })
    expect(config).toEqual({
      backends: { details: 'http://details:9080', reviews: 'http://reviews:9080', ratings: 'http://ratings:9080' },
      floodFactor: 0,
      backendTimeoutMs: 3000,
      backendConnections: 'per-call',
      authMode: 'simple',
      simpleLogin: { secret: DEV_SESSION_SECRET, secretIsDevDefault: true, cookieSecure: false },
      loginRateLimit: { max: 300, windowSeconds: 60 },
    })
  })

  it('SERVICES_DOMAIN is appended to every host; *_SERVICE_PORT sets the ports', () => {
    const { config } = configFromEnv({
      SERVICES_DOMAIN: 'default.svc.cluster.local',
      DETAILS_HOSTNAME: 'details-v2',
      DETAILS_SERVICE_PORT: '9081',
      REVIEWS_SERVICE_PORT: '9083',
      RATINGS_HOSTNAME: '127.0.0.1',
      RATINGS_SERVICE_PORT: '9082',
    })
    expect(config.backends).toEqual({
      details: 'http://details-v2.default.svc.cluster.local:9081',
      reviews: 'http://reviews.default.svc.cluster.local:9083',
      ratings: 'http://127.0.0.1.default.svc.cluster.local:9082',
    })
  })

  it('an empty variable counts as unset', () => {
    expect(configFromEnv({ SERVICES_DOMAIN: '', FLOOD_FACTOR: '' }).config.backends.details).toBe('http://details:9080')
  })

  it('reads the session key, COOKIE_SECURE, FLOOD_FACTOR and BACKEND_TIMEOUT_MS', () => {
    const secret = 's'.repeat(32)
    const { config } = configFromEnv({ SESSION_SECRET: secret, COOKIE_SECURE: 'true', FLOOD_FACTOR: '100', BACKEND_TIMEOUT_MS: '250' })
    expect(config.simpleLogin).toEqual({ secret, secretIsDevDefault: false, cookieSecure: true })
    expect(config.floodFactor).toBe(100)
    expect(config.backendTimeoutMs).toBe(250)
  })

  it('OUTBOUND_CONNECTIONS picks pooled backend connections; any other value than per-call or pooled is refused', () => {
    expect(configFromEnv({ OUTBOUND_CONNECTIONS: 'pooled' }).config.backendConnections).toBe('pooled')
    expect(configFromEnv({ OUTBOUND_CONNECTIONS: 'per-call' }).config.backendConnections).toBe('per-call')
    expect(() => configFromEnv({ OUTBOUND_CONNECTIONS: 'keep-alive' })).toThrow(/OUTBOUND_CONNECTIONS/)
  })

  it('accepts a bracketed IPv6 literal as a host name', () => {
    expect(configFromEnv({ DETAILS_HOSTNAME: '[::1]' }).config.backends.details).toBe('http://[::1]:9080')
  })

  it.each([
    ['FLOOD_FACTOR', '-1'],
    ['FLOOD_FACTOR', '1001'],
    ['FLOOD_FACTOR', 'many'],
    ['BACKEND_TIMEOUT_MS', '0'],
    ['BACKEND_TIMEOUT_MS', '1.5'],
    ['SESSION_SECRET', 'too-short'],
    ['COOKIE_SECURE', 'maybe'],
    ['DETAILS_SERVICE_PORT', '70000'],
    ['REVIEWS_SERVICE_PORT', 'tcp://10.0.0.1:9080'],
    ['DETAILS_HOSTNAME', 'evil.example/path?'],
    ['RATINGS_HOSTNAME', 'user@host'],
    ['SERVICES_DOMAIN', 'a b'],
    ['PORT', 'abc'],
  ])('%s=%s is refused with an error naming the variable', (name, value) => {
    expect(() => configFromEnv({ [name]: value })).toThrow(ConfigError)
    expect(() => configFromEnv({ [name]: value })).toThrow(name)
  })
})
