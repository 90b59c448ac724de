// The Fastify plugin end to end: the replies Envoy gives (401 from jwt_authn, 403 `RBAC: access denied`
// from RBAC), header handling, start-up logs, and what it refuses to start with.
import { connect, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Fastify from 'fastify'
import type { TestServer } from '@bookinfo/test-helpers'
import { meshPolicyPlugin, peerHeaders, serviceAccountPrincipal, type MeshPolicyOptions } from '../src/index.ts'
import { createIssuer, policyApp, policyDir, SECURITY_DIR, startJwksServer, type TestIssuer } from './helpers.ts'

const ISSUER = 'http://localhost:9090/'
const AUDIENCE = 'https://bookinfo.io'
const SECRET = 'a-peer-secret-of-at-least-32-characters'

let idp: TestIssuer
let jwks: TestServer

beforeAll(async () => {
  idp = await createIssuer(ISSUER, 'idp-key')
  jwks = await startJwksServer([idp.jwk])
})
afterAll(async () => { await jwks.close() })

function options (app: string, over: Partial<MeshPolicyOptions> = {}): MeshPolicyOptions {
  return {
    enabled: true,
    files: [SECURITY_DIR],
    workload: { namespace: 'bookinfo', labels: { app, version: 'v1' } },
    jwksUri: `${jwks.url}/.well-known/jwks.json`,
    peerSecret: SECRET,
    ...over,
  }
}

/** `<status> <body>` of a GET with the request target sent byte for byte. */
async function rawGet (port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
    })
    let data = ''
    socket.on('data', (d) => { data += String(d) })
    socket.on('end', () => resolve(`${data.split(' ')[1] ?? ''} ${data.split('\r\n\r\n')[1] ?? ''}`))
    socket.on('error', reject)
  })
}

const moderatorToken = async (): Promise<string> =>
  idp.sign({ sub: 'mod@bookinfo.com', permissions: ['read:book-details', 'read:book-reviews'] }, { audience: AUDIENCE })

describe('replies', () => {
  it('denial: 403, body `RBAC: access denied`, text/plain (as Envoy answers)', async () => {
    const { app } = await policyApp(options('details'))
    const res = await app.inject({ url: '/details/0' })
    expect(res.statusCode).toBe(403)
    expect(res.body).toBe('RBAC: access denied')
    expect(res.headers['content-type']).toMatch(/^text\/plain/)
    await app.close()
  })

  it('bad token: 401 with the reason, text/plain, `www-authenticate: Bearer`', async () => {
    const { app } = await policyApp(options('details'))
    const expired = await idp.sign({ sub: 'u' }, { audience: AUDIENCE, expiresIn: Math.floor(Date.now() / 1000) - 3600 })
    const res = await app.inject({ url: '/details/0', headers: { authorization: `Bearer ${expired}` } })
    expect(res.statusCode).toBe(401)
    expect(res.body).toBe('Jwt is expired')
    expect(res.headers['content-type']).toMatch(/^text\/plain/)
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"')
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
      'ra.yaml': `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: ra\nspec:\n  jwtRules:\n  - issuer: "${ISSUER}"\n    jwksUri: "${jwks.url}/jwks"\n`,
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
  it('refuses paths whose meaning a router could change (dot segments, backslash, escaped unreserved) with 400', async () => {
    const { app } = await policyApp(options('details'))
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as AddressInfo
    try {
      for (const path of ['/health/../details/0', '/./health', '/%68ealth', '/detail%73/0', '/health\\x', 'http://127.0.0.1/health']) {
        expect(await rawGet(port, path), path).toBe('400 Bad Request')
      }
      expect(await rawGet(port, '/health'), '/health').toMatch(/^200 /)
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

  it('keeps escapes of reserved characters as they are (no normalisation, no denial)', async () => {
    const { app } = await policyApp(options('productpage'))
    expect((await app.inject({ url: '/static/a%20b.css' })).statusCode).toBe(200)
    await app.close()
  })
})

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

  it('refuses to start on an unsupported field, naming it', async () => {
    const dir = await policyDir({ 'p.yaml': 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: by-ns\nspec:\n  rules:\n  - from:\n    - source:\n        namespaces: ["bookinfo"]\n' })
    const app = Fastify()
    await expect(app.register(meshPolicyPlugin, options('details', { files: [dir] }))).rejects.toThrow(
      `${join(dir, 'p.yaml')}: AuthorizationPolicy by-ns: spec.rules[0].from[0].source.namespaces: field not supported`)
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
