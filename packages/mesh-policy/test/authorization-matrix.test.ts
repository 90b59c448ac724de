// The authorization matrix: every persona against every endpoint, computed from the repository's own
// istio/security YAML through the plugin, on small Fastify apps labelled as each Bookinfo workload, with a
// real loopback JWKS server. Expected values: authorization-matrix.ts (and the README, rendered from it).
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { TestServer } from '@bookinfo/test-helpers'
import { peerHeaders, serviceAccountPrincipal } from '../src/index.ts'
import { MATRIX, PERSONAS, renderMatrixMarkdown, type Persona, type Service } from './authorization-matrix.ts'
import { createIssuer, policyApp, SECURITY_DIR, startJwksServer, tamper, unsignedToken } from './helpers.ts'

// The issuer and audience in istio/security/request-authentication.yaml; only the JWKS address is
// pointed at the test server (the override a local run uses for the IdP's back-channel address).
const ISSUER = 'http://localhost:9090/'
const AUDIENCE = 'https://bookinfo.io'
const SECRET = 'matrix-peer-secret-of-at-least-32-chars'
const WORKLOADS: Record<Service, Record<string, string>> = {
  productpage: { app: 'productpage', version: 'v1' },
  details: { app: 'details', version: 'v1' },
  reviews: { app: 'reviews', version: 'v2' },
  ratings: { app: 'ratings', version: 'v1' },
}

let jwks: TestServer
const apps = new Map<Service, FastifyInstance>()
const tokens = new Map<Persona, string | undefined>()

beforeAll(async () => {
  const idp = await createIssuer(ISSUER, 'idp-key')
  const stranger = await createIssuer('https://stranger.invalid/', 'stranger-key')
  jwks = await startJwksServer([idp.jwk])
  for (const [service, labels] of Object.entries(WORKLOADS) as Array<[Service, Record<string, string>]>) {
    const { app } = await policyApp({
      enabled: true,
      files: [SECURITY_DIR],
      workload: { namespace: 'bookinfo', labels },
      jwksUri: `${jwks.url}/.well-known/jwks.json`,
      peerSecret: SECRET,
    })
    apps.set(service, app)
  }
  const now = Math.floor(Date.now() / 1000)
  const userClaims = { sub: 'user@bookinfo.com', permissions: ['read:book-details'] }
  const modClaims = { sub: 'mod@bookinfo.com', permissions: ['read:book-details', 'read:book-reviews'] }
  const user = await idp.sign(userClaims, { audience: AUDIENCE })
  tokens.set('anonymous', undefined)
  tokens.set('user', user)
  tokens.set('moderator', await idp.sign(modClaims, { audience: AUDIENCE }))
  tokens.set('expired', await idp.sign(modClaims, { audience: AUDIENCE, expiresIn: now - 3600 }))
  tokens.set('otherIssuer', await stranger.sign(modClaims, { audience: AUDIENCE }))
  tokens.set('tampered', tamper(user, { ...modClaims, iss: ISSUER, aud: AUDIENCE, exp: now + 300 }))
  tokens.set('algNone', unsignedToken({ ...modClaims, iss: ISSUER, aud: AUDIENCE, exp: now + 300 }))
  tokens.set('wrongAudience', await idp.sign(modClaims, { audience: 'https://other-api.invalid' }))
})

afterAll(async () => {
  for (const app of apps.values()) await app.close()
  await jwks.close()
})

describe('authorization matrix (istio/security through the plugin)', () => {
  it('every persona gets the expected status from every endpoint', async () => {
    const actual: Record<string, Record<string, number>> = {}
    const expected: Record<string, Record<string, number>> = {}
    for (const r of MATRIX) {
      const key = `${r.service} ${r.method} ${r.path} peer=${r.peer ?? 'none'}`
      actual[key] = {}
      expected[key] = { ...r.expect }
      for (const { id } of PERSONAS) {
        const token = tokens.get(id)
        const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
        if (r.peer) {
          Object.assign(headers, await peerHeaders({ secret: SECRET, principal: serviceAccountPrincipal('bookinfo', r.peer), audience: r.service }))
        }
        const res = await apps.get(r.service)!.inject({ method: r.method, url: r.path, headers })
        actual[key][id] = res.statusCode
      }
    }
    expect(actual).toEqual(expected)
  })

  it.each(['../README.md', '../../../README.md'])('%s shows the same table', async (path) => {
    const readme = await readFile(new URL(path, import.meta.url), 'utf8')
    expect(readme).toContain(renderMatrixMarkdown())
  })
})
