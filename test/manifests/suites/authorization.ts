import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { IDeployment } from 'kubernetes-models/apps/v1'
import type { IRequestAuthentication } from '@kubernetes-models/istio/security.istio.io/v1'
import type { TestServer } from '@bookinfo/test-helpers'
import { peerHeaders, serviceAccountPrincipal } from '@bookinfo/mesh-policy'
// The policy package's own test tools (issuer, JWKS server, token forgeries, a labelled app with the plugin).
import { createIssuer, policyApp, startJwksServer, tamper, unsignedToken } from '../../../packages/mesh-policy/test/helpers.ts'
import type { Manifest } from '../documents.ts'
import { named, ofKind, renderOf } from '../helpers.ts'
import { policyDocuments, writePolicyDir, type View } from '../rendered-policy.ts'
import { readmeMatrix } from '../readme-matrix.ts'

// The README's authorization matrix, reproduced from what the overlays deploy: the AuthorizationPolicies and
// RequestAuthentication of the render, enforced by @bookinfo/mesh-policy for each rendered workload (its pod
// labels and namespace), with tokens from the issuer the render names. kind: as each sidecar enforces them;
// kind-ambient: as the waypoint enforces them, then ztunnel's L4 layer (only the waypoint gets in).

const SECRET = 'rendered-policy-peer-secret-of-32-chars'
const AUDIENCE = 'https://bookinfo.io'
const matrix = readmeMatrix()

async function tokensFor (issuer: string, jwks: (keys: object[]) => Promise<TestServer>): Promise<{ tokens: Map<string, string | undefined>, server: TestServer }> {
  const idp = await createIssuer(issuer, 'rendered-idp')
  const stranger = await createIssuer('https://stranger.invalid/', 'stranger')
  const server = await jwks([idp.jwk])
  const now = Math.floor(Date.now() / 1000)
  const user = { sub: 'user@bookinfo.com', permissions: ['read:book-details'] }
  const mod = { sub: 'mod@bookinfo.com', permissions: ['read:book-details', 'read:book-reviews'] }
  const userToken = await idp.sign(user, { audience: AUDIENCE })
  const tokens = new Map<string, string | undefined>([
    ['anonymous', undefined],
    ['user', userToken],
    ['moderator', await idp.sign(mod, { audience: AUDIENCE })],
    ['expired', await idp.sign(mod, { audience: AUDIENCE, expiresIn: now - 3600 })],
    ['other issuer', await stranger.sign(mod, { audience: AUDIENCE })],
    ['tampered', tamper(userToken, { ...mod, iss: issuer, aud: AUDIENCE, exp: now + 300 })],
    ['alg none', unsignedToken({ ...mod, iss: issuer, aud: AUDIENCE, exp: now + 300 })],
    ['wrong audience', await idp.sign(mod, { audience: 'https://other-api.invalid' })],
  ])
  return { tokens, server }
}

/** One app per rendered Deployment of `app`, labelled and namespaced as the render says. */
async function workloadApps (manifests: Manifest[], view: View, jwksUri: string): Promise<{ apps: Map<string, FastifyInstance>, remove: () => void }> {
  const policies = writePolicyDir(policyDocuments(manifests, view))
  const apps = new Map<string, FastifyInstance>()
  for (const deployment of ofKind<IDeployment>(manifests, 'Deployment')) {
    const labels = deployment.spec?.template.metadata?.labels ?? {}
    if (labels.app === undefined || apps.has(labels.app)) continue
    const { app } = await policyApp({ enabled: true, files: [policies.dir], workload: { namespace: deployment.metadata.namespace ?? '', labels }, jwksUri, peerSecret: SECRET })
    apps.set(labels.app, app)
  }
  return { apps, remove: policies.remove }
}

async function answer (manifests: Manifest[], apps: Map<string, FastifyInstance>, row: { service: string, method: string, path: string, peer?: string }, token?: string): Promise<number> {
  const app = apps.get(row.service)
  if (app === undefined) throw new Error(`no rendered workload for ${row.service}`)
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` }
  if (row.peer !== undefined) {
    const namespace = named(manifests, 'Namespace', 'bookinfo').metadata.name
    Object.assign(headers, await peerHeaders({ secret: SECRET, principal: serviceAccountPrincipal(namespace, row.peer), audience: row.service }))
  }
  return (await app.inject({ method: row.method as 'GET', url: row.path, headers })).statusCode
}

describe.each([['k8s/overlays/kind', 'sidecar'], ['k8s/overlays/kind-ambient', 'waypoint']] as const)('%s (%s)', (overlay, view) => {
  let manifests: Manifest[]
  let apps: Map<string, FastifyInstance>
  let cleanup: () => Promise<void>

  beforeAll(async () => {
    manifests = renderOf({ overlay })
    const issuer = named<IRequestAuthentication>(manifests, 'RequestAuthentication', 'bookinfo-jwt').spec?.jwtRules?.[0]?.issuer ?? ''
    const { tokens, server } = await tokensFor(issuer, startJwksServer)
    const workloads = await workloadApps(manifests, view, `${server.url}/.well-known/jwks.json`)
    apps = workloads.apps
    tokenMap = tokens
    cleanup = async () => {
      for (const app of apps.values()) await app.close()
      await server.close()
      workloads.remove()
    }
  }, 60_000)
  let tokenMap: Map<string, string | undefined>
  afterAll(async () => { await cleanup() })

  it('the rendered policies give every cell of the README\'s authorization matrix', async () => {
    expect(matrix.personas).toEqual([...tokenMap.keys()])
    const actual: Record<string, Record<string, number>> = {}
    const expected: Record<string, Record<string, number>> = {}
    for (const row of matrix.rows) {
      const key = `${row.service} ${row.method} ${row.path} peer=${row.peer ?? 'none'}`
      expected[key] = row.expect
      actual[key] = {}
      for (const [persona, token] of tokenMap) actual[key][persona] = await answer(manifests, apps, row, token)
    }
    expect(matrix.rows.length).toBeGreaterThan(10)
    expect(actual).toEqual(expected)
  })
})

describe('k8s/overlays/kind-ambient (ztunnel, L4)', () => {
  it('every Bookinfo pod admits the waypoint and nothing that bypasses it', async () => {
    const manifests = renderOf({ overlay: 'k8s/overlays/kind-ambient' })
    const { apps, remove } = await workloadApps(manifests, 'ztunnel', 'http://127.0.0.1:9/unused')
    try {
      for (const service of ['productpage', 'details', 'reviews', 'ratings', 'idp']) {
        const row = { service, method: 'GET', path: '/health' }
        expect(await answer(manifests, apps, { ...row, peer: 'waypoint' }), `${service} from the waypoint`).toBe(200)
        expect(await answer(manifests, apps, { ...row, peer: 'bookinfo-reviews' }), `${service} around the waypoint`).toBe(403)
        expect(await answer(manifests, apps, row), `${service} without identity`).toBe(403)
      }
    } finally {
      for (const app of apps.values()) await app.close()
      remove()
    }
  })
})
