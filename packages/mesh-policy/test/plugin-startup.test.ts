// The Fastify plugin at start-up: what it logs, what it refuses to start with, and the options that
// change what it loads.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Fastify from 'fastify'
import { meshPolicyPlugin, peerHeaders, serviceAccountPrincipal, type MeshPolicyOptions } from '../src/index.ts'
import { createIssuer, policyApp, policyDir, startJwksServer } from './helpers.ts'
import { AUDIENCE, pluginFixture, SECRET, type PluginFixture } from './plugin-fixture.ts'

let f: PluginFixture
beforeAll(async () => { f = await pluginFixture() })
afterAll(async () => { await f.jwks.close() })
const options = (app: string, over?: Partial<MeshPolicyOptions>): MeshPolicyOptions => f.options(app, over)
const moderatorToken = async (): Promise<string> => f.moderatorToken()

describe('start-up', () => {
  it('logs how source principals are treated (with a peer secret)', async () => {
    const { app, logs } = await policyApp(options('ratings'))
    expect(logs()).toContain('source principals: mTLS peer identity is unavailable outside a mesh; the source principal is the subject of a valid `x-bookinfo-peer` assertion')
    expect(logs()).toContain('PeerAuthentication is not enforced outside a mesh')
    expect(logs()).toContain('"authorizationPolicies":["ALLOW allow-nothing","ALLOW ratings-probes","ALLOW ratings-policy"]')
    await app.close()
  })

  it('logs how source principals are treated (without a peer secret) and never matches `principals` then', async () => {
    const { app, logs } = await policyApp(options('ratings', { peerSecret: undefined }))
    expect(logs()).toContain('no peer secret is configured, so no request has a source principal: `principals` never match and `notPrincipals` always match')
    const headers = {
      authorization: `Bearer ${await moderatorToken()}`,
      ...await peerHeaders({ secret: SECRET, principal: serviceAccountPrincipal('bookinfo', 'bookinfo-reviews'), audience: 'ratings' }),
    }
    expect((await app.inject({ url: '/ratings/0', headers })).statusCode).toBe(403)
    await app.close()
  })

  it('never logs the token', async () => {
    const { app, logs } = await policyApp(options('details'))
    const token = await moderatorToken()
    await app.inject({ url: '/details/0', headers: { authorization: `Bearer ${token}x` } })
    expect(logs()).toContain('mesh policy: JWT rejected')
    expect(logs()).not.toContain(token.split('.')[1])
    await app.close()
  })

  it('enabled: false enforces nothing and loads nothing (inside Istio)', async () => {
    const { app, logs } = await policyApp(options('details', { enabled: false, files: ['/nonexistent'] }))
    expect((await app.inject({ url: '/details/0', headers: { authorization: 'Bearer garbage' } })).statusCode).toBe(200)
    expect(logs()).toContain('mesh policy: off')
    await app.close()
  })

  it('refuses to start on what only a mesh can evaluate, naming the field and the reason', async () => {
    const dir = await policyDir({ 'p.yaml': 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: by-sni\nspec:\n  rules:\n  - when:\n    - key: connection.sni\n      values: ["x"]\n' })
    const app = Fastify()
    await expect(app.register(meshPolicyPlugin, options('details', { files: [dir] }))).rejects.toThrow(
      `${join(dir, 'p.yaml')}: AuthorizationPolicy by-sni: spec.rules[0].when[0].key: "connection.sni": not supported outside a mesh`)
    await app.close()
  })

  it('refuses issuer/jwksUri overrides when the files hold several issuers', async () => {
    const rule = (iss: string): string => `  - issuer: "${iss}"\n    jwksUri: "http://127.0.0.1:1/jwks"\n`
    const dir = await policyDir({ 'ra.yaml': `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: ra\nspec:\n  jwtRules:\n${rule('a')}${rule('b')}` })
    const app = Fastify()
    await expect(app.register(meshPolicyPlugin, options('details', { files: [dir] }))).rejects.toThrow('need a single jwtRule issuer, found: a, b')
    await app.close()
  })

  it('refuses a peer secret for a workload without an app label', async () => {
    const app = Fastify()
    await expect(app.register(meshPolicyPlugin, options('details', { workload: { namespace: 'bookinfo', labels: {} } }))).rejects.toThrow('`app` label')
    await app.close()
  })

  it('the issuer override replaces the YAML issuer (what an overlay would patch)', async () => {
    const other = await createIssuer('https://tenant.invalid/', 'tenant-key')
    const server = await startJwksServer([other.jwk])
    try {
      const { app } = await policyApp(options('details', { issuer: 'https://tenant.invalid/', jwksUri: `${server.url}/jwks` }))
      const token = await other.sign({ sub: 'u', permissions: ['read:book-details'] }, { audience: AUDIENCE })
      expect((await app.inject({ url: '/details/0', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200)
      expect((await app.inject({ url: '/details/0', headers: { authorization: `Bearer ${await moderatorToken()}` } })).statusCode).toBe(401)
      await app.close()
    } finally {
      await server.close()
    }
  })
})
