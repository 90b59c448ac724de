// The Fastify plugin end to end: the replies Envoy gives (401/403 from jwt_authn, 403 `RBAC: access
// denied` from RBAC, 400 for paths it cannot normalise), and header handling.
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Fastify from 'fastify'
import { meshPolicyPlugin, peerHeaders, serviceAccountPrincipal, type MeshPolicyOptions } from '../src/index.ts'
import { policyApp, policyDir } from './helpers.ts'
import { AUDIENCE, ISSUER, pluginFixture, rawGet, SECRET, type PluginFixture } from './plugin-fixture.ts'

let f: PluginFixture
beforeAll(async () => { f = await pluginFixture() })
afterAll(async () => { await f.jwks.close() })
const options = (app: string, over?: Partial<MeshPolicyOptions>): MeshPolicyOptions => f.options(app, over)
const moderatorToken = async (): Promise<string> => f.moderatorToken()

describe('replies', () => {
  it('denial: 403, body `RBAC: access denied`, text/plain (as Envoy answers)', async () => {
    const { app } = await policyApp(options('details'))
    const res = await app.inject({ url: '/details/0' })
    expect(res.statusCode).toBe(403)
    expect(res.body).toBe('RBAC: access denied')
    expect(res.headers['content-type']).toMatch(/^text\/plain/)
    await app.close()
  })

  it('bad token: 401 with the reason, text/plain, `www-authenticate: Bearer` whose realm leaves the query out', async () => {
    const { app } = await policyApp(options('details'))
    const expired = await f.idp.sign({ sub: 'u' }, { audience: AUDIENCE, expiresIn: Math.floor(Date.now() / 1000) - 3600 })
    const res = await app.inject({ url: `/details/0?access_token=${expired}` })
    expect(res.statusCode).toBe(401)
    expect(res.body).toBe('Jwt is expired')
    expect(res.headers['content-type']).toMatch(/^text\/plain/)
    expect(res.headers['www-authenticate']).toBe('Bearer realm="http://localhost:80/details/0", error="invalid_token"')
    await app.close()
  })

  it('allowed: the route runs and, with forwardOriginalToken, still sees the bearer token', async () => {
    const { app } = await policyApp(options('reviews'))
    const token = await moderatorToken()
    const res = await app.inject({ url: '/reviews/0', headers: { authorization: `Bearer ${token}` } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ ok: true, authorization: `Bearer ${token}` })
    await app.close()
  })

  it('without forwardOriginalToken the validated token is removed before the route (Istio default)', async () => {
    const dir = await policyDir({
      'ra.yaml': `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: ra\nspec:\n  jwtRules:\n  - issuer: "${ISSUER}"\n    jwksUri: "${f.jwks.url}/jwks"\n`,
    })
    const { app } = await policyApp(options('details', { files: [dir], jwksUri: undefined }))
    const res = await app.inject({ url: '/details/0', headers: { authorization: `Bearer ${await moderatorToken()}` } })
    expect(res.json()).toMatchObject({ ok: true, authorization: null })
    await app.close()
  })

  it('the route never sees the peer assertion header', async () => {
    const { app } = await policyApp(options('ratings'))
    const headers = {
      authorization: `Bearer ${await moderatorToken()}`,
      ...await peerHeaders({ secret: SECRET, principal: serviceAccountPrincipal('bookinfo', 'bookinfo-reviews'), audience: 'ratings' }),
    }
    const res = await app.inject({ url: '/ratings/0', headers })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ peer: null })
    await app.close()
  })

  it('unknown routes are guarded too: 403 before the 404 handler', async () => {
    const { app } = await policyApp(options('details'), ['/details/:id'])
    expect((await app.inject({ url: '/nope' })).statusCode).toBe(403)
    const authed = await app.inject({ url: '/nope', headers: { authorization: `Bearer ${await moderatorToken()}` } })
    expect(authed.statusCode).toBe(404)
    await app.close()
  })

  // Sent over a real socket: inject() would resolve dot segments and backslashes before the plugin sees them.
  it('normalises paths as Istio does before the policy and the route; refuses what Envoy refuses with an empty 400', async () => {
    const { app } = await policyApp(options('details'))
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as AddressInfo
    try {
      for (const path of ['/./health', '/%68ealth', '/metrics/../health', '/health?x=/../y']) expect(await rawGet(port, path), path).toMatch(/^200 /)
      for (const path of ['/health/../details/0', '/detail%73/0', '/health\\x', '/%2E%2E/details/0']) expect(await rawGet(port, path), path).toBe('403 RBAC: access denied')
      for (const path of ['http://127.0.0.1/health', '/health#x', '/health%00', '*']) expect(await rawGet(port, path), path).toBe('400 ')
      expect(JSON.parse((await rawGet(port, '/health/../%68ealth?q=1')).slice(4))).toMatchObject({ url: '/health?q=1' })
    } finally {
      await app.close()
    }
  })

  it('without meshPolicyServerOptions a path Istio would normalise is refused (the route would see another path), and a warning says why', async () => {
    const { app, logs } = await policyApp(options('details'), ['/*'], { normalize: false })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as AddressInfo
    try {
      expect(await rawGet(port, '/./health')).toBe('400 ')
      expect(await rawGet(port, '/health')).toMatch(/^200 /)
      expect(logs()).toContain('built without meshPolicyServerOptions()')
    } finally {
      await app.close()
    }
  })

  it('guards routes registered before the plugin too', async () => {
    const app = Fastify()
    app.get('/details/:id', async () => ({ ok: true }))
    await app.register(meshPolicyPlugin, options('details'))
    expect((await app.inject({ url: '/details/0' })).statusCode).toBe(403)
    await app.close()
  })

  it('matches paths without the query string', async () => {
    const { app } = await policyApp(options('details'))
    expect((await app.inject({ url: '/health?verbose=1' })).statusCode).toBe(200)
    await app.close()
  })

  it('keeps escapes of reserved characters as they are', async () => {
    const { app } = await policyApp(options('productpage'))
    expect((await app.inject({ url: '/static/a%20b.css' })).statusCode).toBe(200)
    await app.close()
  })

  it('reads Envoy pseudo-headers in request.headers conditions', async () => {
    const dir = await policyDir({ 'p.yaml': 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: p\nspec:\n  rules:\n  - when:\n    - key: request.headers[:path]\n      values: ["/a?x=1"]\n    - key: request.headers[:method]\n      values: ["GET"]\n    - key: request.headers[:authority]\n      values: ["svc:*"]\n' })
    const { app } = await policyApp(options('details', { files: [dir] }))
    expect((await app.inject({ url: '/a?x=1', headers: { host: 'svc:9080' } })).statusCode).toBe(200)
    expect((await app.inject({ url: '/a?x=2', headers: { host: 'svc:9080' } })).statusCode).toBe(403)
    expect((await app.inject({ method: 'POST', url: '/a?x=1', headers: { host: 'svc:9080' } })).statusCode).toBe(403)
    expect((await app.inject({ url: '/a?x=1', headers: { host: 'other' } })).statusCode).toBe(403)
    await app.close()
  })
})
