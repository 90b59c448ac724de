import { setTimeout as sleep } from 'node:timers/promises'
import { getFreePort } from '@bookinfo/test-helpers'
import { OidcBrowser } from '@bookinfo/test-helpers/oidc-browser'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { MockAgent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { configFromEnv } from '../src/config.ts'
import { appWith, DETAILS_BODY, DETAILS_ORIGIN, mockAgent, reviewsBody, REVIEWS_ORIGIN } from './fixtures.ts'
import {
  CLIENT_ID, CLIENT_SECRET, PERSONAS, SESSION_SECRET, closedBackendsEnv, oidcEnv, reserveOrigin, startBackends, startIdp, startProductpage,
  type Backends, type RunningIdp, type RunningProductpage,
} from './oidc-fixture.ts'

function expectSecurityHeaders (res: LightMyRequestResponse, what: string): void {
  const csp = String(res.headers['content-security-policy'])
  expect(csp, what).toContain("default-src 'self'")
  expect(csp, what).toContain("frame-ancestors 'none'")
  expect(csp, what).toContain("form-action 'self'")
  expect(csp, what).not.toContain('unsafe-inline')
  expect(csp, what).not.toMatch(/\*|https?:/)
  expect(res.headers['x-frame-options'], what).toBe('DENY')
  expect(res.headers['x-content-type-options'], what).toBe('nosniff')
  expect(res.headers['referrer-policy'], what).toBe('same-origin')
}

/** productpage in OIDC mode whose IdP does not answer (no port behind it): the sign-in pages are its error pages. */
async function oidcAppWithoutIdp (env: Record<string, string> = {}): Promise<FastifyInstance> {
  const port = await getFreePort()
  const config = configFromEnv({
    OIDC_ISSUER: `http://127.0.0.1:${port}/`,
    OIDC_CLIENT_ID: CLIENT_ID,
    OIDC_CLIENT_SECRET: CLIENT_SECRET,
    OIDC_CALLBACK_URL: 'http://localhost:9080/callback',
    OIDC_HTTP_TIMEOUT_MS: '200',
    SESSION_SECRET,
    ...(await closedBackendsEnv()),
    ...env,
  }).config
  return buildApp(config, undefined, { discovery: { attempts: 1 } })
}

describe('security headers on every HTML page of productpage', () => {
  let agent: MockAgent
  let simple: FastifyInstance
  let oidc: FastifyInstance

  beforeAll(async () => {
    agent = mockAgent()
    agent.get(DETAILS_ORIGIN).intercept({ path: '/details/0', method: 'GET' }).reply(200, JSON.stringify(DETAILS_BODY)).persist()
    agent.get(REVIEWS_ORIGIN).intercept({ path: '/reviews/0', method: 'GET' }).reply(200, reviewsBody('v1')).persist()
    simple = await appWith(agent)
    oidc = await oidcAppWithoutIdp({ LOGIN_RATE_LIMIT: '1' })
  })

  afterAll(async () => {
    await simple?.close()
    await oidc?.close()
    await agent?.close()
  })

  it.each([
    ['the intro page', '/', {}],
    ['/index.html', '/index.html', {}],
    ['the product page', '/productpage', {}],
    ['the 404 page', '/no-such-page', {}],
    ['the health text (text/html, as Flask)', '/health', {}],
  ])('simple login: %s', async (what, url) => {
    const res = await simple.inject({ url })
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expectSecurityHeaders(res, what)
  })

  it('OIDC: the sign-in error pages (IdP down 502, bad callback 400, cross-site sign-out 403, rate-limited 429)', async () => {
    const pages = [
      [await oidc.inject({ url: '/login' }), 502],
      [await oidc.inject({ url: '/callback?code=a&state=b' }), 400],
      [await oidc.inject({ url: '/logout', headers: { 'sec-fetch-site': 'cross-site' } }), 403],
      [await oidc.inject({ url: '/login' }), 429],
      [await oidc.inject({ url: '/productpage' }), 200],
    ] as const
    for (const [res, status] of pages) {
      expect(res.statusCode).toBe(status)
      expect(res.headers['content-type']).toMatch(/^text\/html/)
      expectSecurityHeaders(res, `${status}`)
    }
  })
})

describe('sign-in rate limit (LOGIN_RATE_LIMIT per client and route)', () => {
  const apps: FastifyInstance[] = []
  const app = async (env: Record<string, string>): Promise<FastifyInstance> => {
    const built = await oidcAppWithoutIdp({ LOGIN_RATE_LIMIT: '3', LOGIN_RATE_LIMIT_WINDOW_SECONDS: '60', ...env })
    apps.push(built)
    return built
  }

  afterAll(async () => {
    for (const a of apps) await a.close()
  })

  it('over the limit: a clear 429 HTML page with Retry-After and no session cookie; each route and each client has its own budget', async () => {
    const pp = await app({})
    for (let i = 0; i < 3; i++) expect((await pp.inject({ url: '/login' })).statusCode).toBe(502)
    const limited = await pp.inject({ url: '/login' })
    expect(limited.statusCode).toBe(429)
    expect(limited.headers['content-type']).toMatch(/^text\/html/)
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60)
    expect(limited.body).toContain('Too many sign-in attempts')
    expect(limited.body).toContain('href="productpage"')
    expect(limited.headers['set-cookie']).toBeUndefined()
    // /callback counts apart; another address is not affected; the page itself is never limited.
    expect((await pp.inject({ url: '/callback?code=a&state=b' })).statusCode).toBe(400)
    expect((await pp.inject({ url: '/login', remoteAddress: '192.0.2.9' })).statusCode).toBe(502)
    for (let i = 0; i < 5; i++) expect((await pp.inject({ url: '/productpage' })).statusCode).toBe(200)
  })

  it('without TRUST_PROXY_HOPS, X-Forwarded-For is ignored: a client cannot escape the limit by writing one', async () => {
    for (const env of [{}, { COOKIE_SECURE: 'true' }] as Array<Record<string, string>>) {
      const pp = await app(env)
      const statuses = []
      for (let i = 0; i < 5; i++) statuses.push((await pp.inject({ url: '/login', headers: { 'x-forwarded-for': `198.51.100.${i}` } })).statusCode)
      expect(statuses.slice(3)).toEqual([429, 429])
    }
  })

  it('with TRUST_PROXY_HOPS=1 the client is the address the proxy appended, whatever the client wrote before it', async () => {
    const pp = await app({ TRUST_PROXY_HOPS: '1' })
    const from = (xff: string) => pp.inject({ url: '/login', headers: { 'x-forwarded-for': xff } }).then((r) => r.statusCode)
    for (let i = 0; i < 3; i++) expect(await from(`10.0.0.${i}, 203.0.113.5`)).toBe(502)
    expect(await from('10.9.9.9, 203.0.113.5')).toBe(429)
    // Behind the same proxy, another client is another key.
    expect(await from('203.0.113.6')).toBe(502)
  })

  it('LOGIN_RATE_LIMIT=0 turns it off', async () => {
    const pp = await app({ LOGIN_RATE_LIMIT: '0' })
    for (let i = 0; i < 8; i++) expect((await pp.inject({ url: '/login' })).statusCode).toBe(502)
  })
})

describe('against the real IdP: cookies, and a legitimate user after the window', () => {
  let idp: RunningIdp
  let backends: Backends
  let limited: RunningProductpage
  let secure: RunningProductpage

  beforeAll(async () => {
    backends = await startBackends()
    const a = await reserveOrigin()
    const b = await reserveOrigin()
    idp = await startIdp([a.origin, b.origin])
    limited = await startProductpage(a.port, oidcEnv(idp, a.origin, backends, { LOGIN_RATE_LIMIT: '2', LOGIN_RATE_LIMIT_WINDOW_SECONDS: '2' }))
    secure = await startProductpage(b.port, oidcEnv(idp, b.origin, backends, { COOKIE_SECURE: 'true', TRUST_PROXY_HOPS: '1' }))
  })

  afterAll(async () => {
    await limited?.close()
    await secure?.close()
    await idp?.stop()
    await backends?.close()
  })

  it('a brute force on /login is held at the limit, and a real user signs in once the window has passed', async () => {
    const attacker = new OidcBrowser()
    const statuses = []
    for (let i = 0; i < 6; i++) statuses.push((await attacker.request(`${limited.origin}/login`)).status)
    expect(statuses).toEqual([302, 302, 429, 429, 429, 429])
    const last = attacker.history.at(-1)
    await sleep(Number(last?.headers.get('retry-after')) * 1000 + 250)
    const { page } = await new OidcBrowser().signIn(`${limited.origin}/login`, PERSONAS.user)
    expect(page.url.pathname).toBe('/productpage')
    expect(page.body).toContain('sign out')
  })

  it('behind TLS (COOKIE_SECURE, X-Forwarded-Proto: https from the trusted proxy): the session and PKCE cookies are Secure, HttpOnly, SameSite=Lax, __Host- for PKCE', async () => {
    const res = await secure.app.inject({ url: '/login', headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '192.0.2.1' } })
    expect(res.statusCode).toBe(302)
    const cookies = res.headers['set-cookie'] as string[]
    const session = cookies.find((c) => c.startsWith('session='))
    const verifier = cookies.find((c) => c.startsWith('__Host-') && c.includes('verifier'))
    for (const cookie of [session, verifier]) {
      expect(cookie).toBeDefined()
      expect(cookie).toMatch(/; Secure/)
      expect(cookie).toMatch(/; HttpOnly/)
      expect(cookie).toMatch(/; SameSite=Lax/)
      expect(cookie).toMatch(/; Path=\//)
    }
    // Plain productpage (no COOKIE_SECURE): the same flags but Secure, and no __Host- prefix.
    const plain = await limited.app.inject({ url: '/login', remoteAddress: '192.0.2.77' })
    for (const cookie of plain.headers['set-cookie'] as string[]) {
      expect(cookie).toMatch(/; HttpOnly/)
      expect(cookie).toMatch(/; SameSite=Lax/)
      expect(cookie).not.toMatch(/; Secure|^__Host-/)
    }
  })
})
