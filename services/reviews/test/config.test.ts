import { hostname } from 'node:os'
import { ConfigError } from '@bookinfo/service-kit'
import { describe, expect, it } from 'vitest'
import { configFromEnv } from '../src/config.ts'

describe('configFromEnv', () => {
  it('defaults to reviews v1: ratings off, black, the machine host name, cluster "null"', () => {
    const { base, config: { meshPolicy, ...config } } = configFromEnv({})
    expect(base.PORT).toBe(9080)
    expect(meshPolicy).toMatchObject({ enabled: false, workload: { labels: { app: 'reviews', version: 'v1' } } })
    expect(config).toEqual({ ratings: undefined, starColor: 'black', podName: hostname(), clusterName: 'null' })
  })

  it('is reviews v2 with ENABLE_RATINGS=true: ratings:9080, 10 s', () => {
    const { config: { meshPolicy, ...config } } = configFromEnv({ ENABLE_RATINGS: 'true', HOSTNAME: 'reviews-v2-7d79d5bd5d-abcde', CLUSTER_NAME: 'east', SERVICE_VERSION: 'v2' })
    expect(meshPolicy?.workload.labels).toEqual({ app: 'reviews', version: 'v2' })
    expect(config).toEqual({
      ratings: { origin: 'http://ratings:9080', timeoutMs: 10_000, connections: 'per-call' },
      starColor: 'black',
      podName: 'reviews-v2-7d79d5bd5d-abcde',
      clusterName: 'east',
    })
  })

  it('is reviews v3 with red stars: 2.5 s', () => {
    const { config } = configFromEnv({ ENABLE_RATINGS: 'TRUE', STAR_COLOR: 'red' })
    expect(config.ratings?.timeoutMs).toBe(2_500)
    expect(config.starColor).toBe('red')
  })

  it('builds the ratings origin from RATINGS_HOSTNAME, SERVICES_DOMAIN and RATINGS_SERVICE_PORT', () => {
    const { config } = configFromEnv({
      ENABLE_RATINGS: 'true',
      RATINGS_HOSTNAME: 'ratings-alt',
      SERVICES_DOMAIN: 'bookinfo.svc.cluster.local',
      RATINGS_SERVICE_PORT: '9082',
      RATINGS_TIMEOUT_MS: '750',
    })
    expect(config.ratings).toEqual({ origin: 'http://ratings-alt.bookinfo.svc.cluster.local:9082', timeoutMs: 750, connections: 'per-call' })
  })

  it('reads SERVICE_VERSION only as the workload label, and ignores LOG_DIR', () => {
    const { config: { meshPolicy, ...config } } = configFromEnv({ SERVICE_VERSION: 'v3', LOG_DIR: '/tmp/logs', HOSTNAME: 'p' })
    expect(meshPolicy?.workload.labels).toEqual({ app: 'reviews', version: 'v3' })
    expect(config).toEqual({ ratings: undefined, starColor: 'black', podName: 'p', clusterName: 'null' })
  })

  it.each([
    ['PORT', 'abc'],
    ['RATINGS_SERVICE_PORT', 'tcp://10.0.0.1:9080'],
    ['RATINGS_SERVICE_PORT', '0'],
    ['RATINGS_TIMEOUT_MS', '0'],
    ['RATINGS_TIMEOUT_MS', '1.5'],
    ['RATINGS_HOSTNAME', 'ratings/evil'],
  ])('rejects %s=%s with an error naming it', (name, value) => {
    expect(() => configFromEnv({ ENABLE_RATINGS: 'true', [name]: value })).toThrow(ConfigError)
    expect(() => configFromEnv({ ENABLE_RATINGS: 'true', [name]: value })).toThrow(name)
  })
})

describe('mesh policy settings', () => {
  it('signs ratings calls as bookinfo-reviews when a peer secret is set', () => {
    const secret = 's'.repeat(32)
    const { config } = configFromEnv({ ENABLE_RATINGS: 'true', MESH_PEER_SECRET: secret, MESH_POLICY_NAMESPACE: 'demo' })
    expect(config.ratings?.peer).toEqual({ secret, principal: 'cluster.local/ns/demo/sa/bookinfo-reviews' })
    const migrated = configFromEnv({ ENABLE_RATINGS: 'true', MESH_PEER_SECRET: secret, MESH_POLICY_TRUST_DOMAIN: 'new-td' })
    expect(migrated.config.ratings?.peer?.principal).toBe('new-td/ns/bookinfo/sa/bookinfo-reviews')
  })

  it('refuses MESH_POLICY=on without MESH_POLICY_DIR, naming it', () => {
    expect(() => configFromEnv({ MESH_POLICY: 'on' })).toThrow(/MESH_POLICY_DIR/)
  })

  it('OUTBOUND_CONNECTIONS=pooled reuses connections to ratings; other values are refused', () => {
    expect(configFromEnv({ ENABLE_RATINGS: 'true', OUTBOUND_CONNECTIONS: 'pooled' }).config.ratings?.connections).toBe('pooled')
    expect(() => configFromEnv({ ENABLE_RATINGS: 'true', OUTBOUND_CONNECTIONS: 'reuse' })).toThrow(/OUTBOUND_CONNECTIONS/)
  })
})
