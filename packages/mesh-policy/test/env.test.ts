// The env contract the services wire: MESH_POLICY, MESH_POLICY_DIR, MESH_POLICY_NAMESPACE, overrides, secret.
import { describe, expect, it } from 'vitest'
import { MESH_POLICY_ENV_PROPERTIES, MeshPolicyConfigError, meshPolicyOptionsFromEnv } from '../src/index.ts'

describe('meshPolicyOptionsFromEnv', () => {
  const labels = { app: 'details', version: 'v1' }

  it('maps the env to plugin options (comma-separated files)', () => {
    expect(meshPolicyOptionsFromEnv({
      MESH_POLICY: 'on',
      MESH_POLICY_DIR: 'istio/security, extra.yaml',
      MESH_POLICY_NAMESPACE: 'demo',
      MESH_POLICY_JWKS_URI: 'http://127.0.0.1:9090/.well-known/jwks.json',
      MESH_PEER_SECRET: 's'.repeat(32),
    }, labels)).toEqual({
      enabled: true,
      files: ['istio/security', 'extra.yaml'],
      workload: { namespace: 'demo', labels },
      issuer: undefined,
      jwksUri: 'http://127.0.0.1:9090/.well-known/jwks.json',
      peerSecret: 's'.repeat(32),
    })
  })

  it('off needs no files', () => {
    expect(meshPolicyOptionsFromEnv({ MESH_POLICY: 'off', MESH_POLICY_NAMESPACE: 'bookinfo' }, labels)).toMatchObject({ enabled: false, files: [] })
  })

  it('on without MESH_POLICY_DIR is a configuration error that names the variable', () => {
    expect(() => meshPolicyOptionsFromEnv({ MESH_POLICY: 'on', MESH_POLICY_NAMESPACE: 'bookinfo', MESH_POLICY_DIR: ' , ' }, labels))
      .toThrow(MeshPolicyConfigError)
    expect(() => meshPolicyOptionsFromEnv({ MESH_POLICY: 'on', MESH_POLICY_NAMESPACE: 'bookinfo' }, labels)).toThrow('MESH_POLICY_DIR')
  })

  it('the schema defaults to off in namespace bookinfo and demands a 32-character secret', () => {
    expect(MESH_POLICY_ENV_PROPERTIES.MESH_POLICY.default).toBe('off')
    expect(MESH_POLICY_ENV_PROPERTIES.MESH_POLICY_NAMESPACE.default).toBe('bookinfo')
    expect(MESH_POLICY_ENV_PROPERTIES.MESH_PEER_SECRET.minLength).toBe(32)
  })
})
