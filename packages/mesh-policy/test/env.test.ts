// The env contract the services wire, checked through the same validator the services use (service-kit
// loadEnv with MESH_POLICY_ENV_PROPERTIES): what is accepted, what is refused naming the variable, and
// the plugin options that come out.
import { describe, expect, it } from 'vitest'
import { ConfigError, loadEnv, type EnvJsonSchema } from '@bookinfo/service-kit'
import { MESH_POLICY_ENV_PROPERTIES, MeshPolicyConfigError, meshPolicyOptionsFromEnv, type MeshPolicyEnv } from '../src/index.ts'

const SCHEMA: EnvJsonSchema = { type: 'object', properties: { ...MESH_POLICY_ENV_PROPERTIES } }
const labels = { app: 'details', version: 'v1' }
const options = (env: Record<string, string>) => meshPolicyOptionsFromEnv(loadEnv<MeshPolicyEnv>(SCHEMA, env), labels)

describe('mesh policy environment', () => {
  it('an empty environment turns the plugin off, in namespace bookinfo and trust domain cluster.local', () => {
    expect(options({})).toMatchObject({ enabled: false, files: [], workload: { namespace: 'bookinfo', labels }, trustDomain: 'cluster.local', trustDomainAliases: [] })
  })

  it('maps every variable to the plugin options (comma-separated lists trimmed)', () => {
    expect(options({
      MESH_POLICY: 'on',
      MESH_POLICY_DIR: 'istio/security, extra.yaml',
      MESH_POLICY_NAMESPACE: 'demo',
      MESH_POLICY_ISSUER: 'https://tenant.example/',
      MESH_POLICY_JWKS_URI: 'http://127.0.0.1:9090/.well-known/jwks.json',
      MESH_POLICY_TRUST_DOMAIN: 'new-td',
      MESH_POLICY_TRUST_DOMAIN_ALIASES: 'old-td,older-td',
      MESH_POLICY_NUM_TRUSTED_PROXIES: '2',
      MESH_PEER_SECRET: 's'.repeat(32),
    })).toEqual({
      enabled: true,
      files: ['istio/security', 'extra.yaml'],
      workload: { namespace: 'demo', labels },
      issuer: 'https://tenant.example/',
      jwksUri: 'http://127.0.0.1:9090/.well-known/jwks.json',
      peerSecret: 's'.repeat(32),
      trustDomain: 'new-td',
      trustDomainAliases: ['old-td', 'older-td'],
      numTrustedProxies: 2,
    })
  })

  it.each([
    ['MESH_POLICY', 'yes'],
    ['MESH_POLICY_NAMESPACE', 'Not_A_Namespace'],
    ['MESH_POLICY_JWKS_URI', 'file:///etc/jwks.json'],
    ['MESH_POLICY_TRUST_DOMAIN', 'a/b'],
    ['MESH_POLICY_TRUST_DOMAIN_ALIASES', 'a/b'],
    ['MESH_POLICY_NUM_TRUSTED_PROXIES', '-1'],
    ['MESH_POLICY_NUM_TRUSTED_PROXIES', 'two'],
    ['MESH_PEER_SECRET', 'too-short'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => options({ [name]: value })).toThrow(ConfigError)
    expect(() => options({ [name]: value })).toThrow(name)
  })

  it('on without MESH_POLICY_DIR is a configuration error that names the variable', () => {
    expect(() => options({ MESH_POLICY: 'on' })).toThrow(MeshPolicyConfigError)
    expect(() => options({ MESH_POLICY: 'on', MESH_POLICY_DIR: ' , ' })).toThrow('MESH_POLICY_DIR')
  })

  it('unset numTrustedProxies stays unset (the sidecar rule), 0 is kept (the gateway rule)', () => {
    expect(options({}).numTrustedProxies).toBeUndefined()
    expect(options({ MESH_POLICY_NUM_TRUSTED_PROXIES: '0' }).numTrustedProxies).toBe(0)
  })
})
