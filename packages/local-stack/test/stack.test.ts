import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configFromEnv as idpConfigFromEnv, devPersonas, loadSeed } from '@bookinfo/dev-idp'
import { configFromEnv as productpageConfigFromEnv } from '@bookinfo/productpage'
import { getFreePort } from '@bookinfo/test-helpers'
import { OidcBrowser } from '@bookinfo/test-helpers/oidc-browser'
import { DEFAULT_PORTS, ROOT, stackSpecs, startLocalStack, type LocalStack, type StackPorts } from '../src/stack.ts'

const PERSONAS = devPersonas()

describe('stackSpecs', () => {
  const specs = stackSpecs({ reviewsVersion: 'v2', logDir: '/tmp/x' }, 'p'.repeat(43))
  const byName = Object.fromEntries(specs.map((s) => [s.name, s]))

  it('starts the IdP first, then the six services', () => {
    expect(specs.map((s) => s.name)).toEqual(['idp', 'details', 'ratings', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'productpage'])
  })

  it('points productpage at the chosen reviews version and reviews at ratings', () => {
    expect(byName.productpage?.env.REVIEWS_SERVICE_PORT).toBe('9084')
    expect(byName.productpage?.env.DETAILS_SERVICE_PORT).toBe('9081')
    expect(byName['reviews-v1']?.env.ENABLE_RATINGS).toBe('false')
    expect(byName['reviews-v3']?.env).toMatchObject({ ENABLE_RATINGS: 'true', STAR_COLOR: 'red', RATINGS_SERVICE_PORT: '9082' })
  })

  it('wires productpage to the bundled IdP with one issuer for browser, token and policy', () => {
    const issuer = `http://localhost:${DEFAULT_PORTS.idp}/`
    expect(byName.idp?.env).toMatchObject({ IDP_ISSUER: issuer, IDP_REDIRECT_URIS: 'http://localhost:9080/callback' })
    expect(byName.productpage?.env).toMatchObject({ OIDC_ISSUER: issuer, OIDC_CALLBACK_URL: 'http://localhost:9080/callback', OIDC_CLIENT_ID: 'bookinfo-productpage' })
  })

  it('gives productpage the client the IdP accepts, as both parse their env (issuer, client id, secret, callback)', () => {
    const idp = idpConfigFromEnv(byName.idp?.env ?? {})
    const client = loadSeed(idp.seedFile, {}).client
    const oidc = productpageConfigFromEnv(byName.productpage?.env ?? {}).config.oidc
    expect(oidc?.issuer).toBe(idp.issuer)
    expect(oidc?.clientId).toBe(client.clientId)
    expect(oidc?.clientSecret).toBe(idp.clientSecret)
    expect(idp.redirectUris).toContain(oidc?.callbackUrl)
    expect(idp.postLogoutUris).toContain(new URL('productpage', oidc?.callbackUrl).href)
  })

  it('turns the policy on in every service with the same YAML, issuer and peer secret', () => {
    for (const name of ['details', 'ratings', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'productpage']) {
      expect(byName[name]?.env).toMatchObject({
        MESH_POLICY: 'on',
        MESH_POLICY_DIR: join(ROOT, 'istio', 'security'),
        MESH_POLICY_ISSUER: 'http://localhost:9090/',
        MESH_PEER_SECRET: 'p'.repeat(43),
      })
    }
    expect(byName.idp?.env.MESH_POLICY).toBeUndefined()
  })

  it('leaves the policy off when asked (upstream\'s open behaviour)', () => {
    const open = stackSpecs({ reviewsVersion: 'v3', logDir: '/tmp/x', meshPolicy: false })
    expect(open.find((s) => s.name === 'details')?.env.MESH_POLICY).toBe('off')
  })
})

// The whole app as real processes on free ports: what `./scripts/dev.sh` runs.
describe('local stack (real processes, policy on)', () => {
  let stack: LocalStack
  const url = (name: keyof StackPorts, path: string) => `http://127.0.0.1:${stack.ports[name]}${path}`
  beforeAll(async () => {
    const names = Object.keys(DEFAULT_PORTS) as Array<keyof StackPorts>
    const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await getFreePort()]))) as StackPorts
    stack = await startLocalStack({ reviewsVersion: 'v3', logDir: mkdtempSync(join(tmpdir(), 'bookinfo-stack-')), ports })
  }, 90_000)
  afterAll(async () => {
    const codes = await stack?.stop()
    // Graceful shutdown: every process exits 0 on SIGTERM.
    expect(Object.values(codes ?? {})).toEqual([0, 0, 0, 0, 0, 0, 0])
  })

  it('shows the anonymous user the page with both error blocks (the policy denies details and reviews)', async () => {
    const res = await fetch(url('productpage', '/productpage'))
    const html = await res.text()
    expect(res.status).toBe(200)
    expect(html).toContain('<title>Simple Bookstore App</title>')
    expect(html).toContain('Error fetching product details')
    expect(html).toContain('Error fetching product reviews')
  })

  it('denies a direct call to details without a token: 403 RBAC: access denied', async () => {
    const res = await fetch(url('details', '/details/0'))
    expect(res.status).toBe(403)
    expect(await res.text()).toBe('RBAC: access denied')
  })

  it('rejects a direct call with a tampered token: 401', async () => {
    // With the API audience: a token for another audience (or none) is 403 in Istio, checked before the signature.
    const forged = ['eyJhbGciOiJSUzI1NiJ9', Buffer.from(JSON.stringify({ iss: stack.issuer, aud: 'https://bookinfo.io', permissions: ['read:book-details'] })).toString('base64url'), 'c2lnbmF0dXJl'].join('.')
    const res = await fetch(url('details', '/details/0'), { headers: { authorization: `Bearer ${forged}` } })
    expect(res.status).toBe(401)
  })

  it('keeps /health open for probes', async () => {
    for (const name of ['details', 'ratings', 'reviews-v3', 'productpage'] as const) {
      expect((await fetch(url(name, '/health'))).status).toBe(200)
    }
  })

  it('shows user@bookinfo.com the details and the reviews error (role user: read:book-details only)', async () => {
    const browser = new OidcBrowser()
    const done = await browser.signIn(`${stack.productpageUrl}/login`, PERSONAS.user)
    expect(done.page.url.pathname).toBe('/productpage')
    const html = done.page.body
    expect(html).toContain('Book Details')
    expect(html).toContain('Error fetching product reviews')
    expect(html).not.toContain('Error fetching product details')
  })

  it('shows mod@bookinfo.com everything, with red stars from reviews v3 (reviews → ratings passes the policy)', async () => {
    const browser = new OidcBrowser()
    const done = await browser.signIn(`${stack.productpageUrl}/login`, PERSONAS.mod)
    const html = done.page.body
    expect(html).toContain('Book Details')
    expect(html).toContain('Book Reviews')
    expect(html).toContain('reviews-v3-local')
    expect(html).toContain('glyphicon glyphicon-star')
    expect(html).toContain('color="red"')
    expect(html).not.toContain('Ratings service is currently unavailable')
  })
})
