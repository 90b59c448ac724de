import { request } from 'node:http'
import { getFreePort, startTestServer, type TestServer } from '@bookinfo/test-helpers'
import { OidcBrowser, type Page } from '@bookinfo/test-helpers/oidc-browser'
import { startReverseProxy, type ProxyServer } from '@bookinfo/test-helpers/reverse-proxy'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  PERSONAS, oidcEnv, reserveOrigin, startBackends, startIdp, startProductpage,
  type Backends, type RunningIdp, type RunningProductpage,
} from './oidc-fixture.ts'

let idp: RunningIdp
let backends: Backends
let pp: RunningProductpage
let ppDown: RunningProductpage
let ppSlow: RunningProductpage
let ppStalledToken: RunningProductpage
let silent: TestServer
let stallingToken: ProxyServer
let downPort: number
let revived: ProxyServer | undefined

beforeAll(async () => {
  backends = await startBackends()
  const origins = await Promise.all([reserveOrigin(), reserveOrigin(), reserveOrigin(), reserveOrigin()])
  const [a, b, c, d] = origins as [typeof origins[0], typeof origins[0], typeof origins[0], typeof origins[0]]
  idp = await startIdp(origins.map((o) => o.origin))
  pp = await startProductpage(a.port, oidcEnv(idp, a.origin, backends))
  // The IdP's back channel on a port where nothing listens (an IdP that is down).
  downPort = await getFreePort()
  ppDown = await startProductpage(b.port, oidcEnv(idp, b.origin, backends, {
    OIDC_INTERNAL_BASE_URL: `http://127.0.0.1:${downPort}`,
    OIDC_HTTP_TIMEOUT_MS: '300',
  }))
  // A back channel that accepts connections and never answers (an IdP that hangs).
  silent = await startTestServer(() => {})
  ppSlow = await startProductpage(c.port, oidcEnv(idp, c.origin, backends, {
    OIDC_INTERNAL_BASE_URL: silent.url,
    OIDC_HTTP_TIMEOUT_MS: '300',
  }))
  // A back channel that answers everything but the token endpoint.
  stallingToken = await startReverseProxy(idp.base, { stall: (req) => req.url?.startsWith('/oauth/token') === true })
  ppStalledToken = await startProductpage(d.port, oidcEnv(idp, d.origin, backends, {
    OIDC_INTERNAL_BASE_URL: stallingToken.url,
    OIDC_HTTP_TIMEOUT_MS: '500',
  }))
})

afterAll(async () => {
  for (const app of [pp, ppDown, ppSlow, ppStalledToken]) await app?.close()
  await revived?.close()
  await stallingToken?.close()
  await silent?.close()
  await idp?.stop()
  await backends?.close()
})

function expectErrorPage (page: Page, status: number, title: string): void {
  expect(page.status).toBe(status)
  expect(page.headers.get('content-type')).toMatch(/^text\/html/)
  expect(page.headers.get('cache-control')).toBe('no-store')
  expect(page.body).toContain('<title>')
  expect(page.body).toContain(title)
  expect(page.body).toContain('href="productpage"')
}

/** No session: no session cookie kept, and the page is anonymous. */
async function expectSignedOut (browser: OidcBrowser, app: RunningProductpage): Promise<void> {
  expect(browser.cookie(app.origin, 'session')).toBeUndefined()
  const page = await browser.request(`${app.origin}/productpage`)
  expect(page.status).toBe(200)
  expect(page.body).toContain('>Sign in</a>')
}

/** A browser with a pending login at `app`; returns the state the IdP would send back. */
async function pendingLogin (browser: OidcBrowser, app: RunningProductpage = pp): Promise<string> {
  const res = await browser.request(`${app.origin}/login`)
  expect(res.status).toBe(302)
  return new URL(res.headers.get('location') as string).searchParams.get('state') as string
}

describe('bad callbacks → a clear HTML error page, no crash, no session', () => {
  it('a garbage code with the right state: the IdP refuses it → 400, and the pre-login session is deleted', async () => {
    const browser = new OidcBrowser()
    const state = await pendingLogin(browser)
    expect(browser.cookie(pp.origin, 'session')).toBeDefined()
    const res = await browser.request(`${pp.origin}/callback?code=garbage-${'x'.repeat(40)}&state=${state}`)
    expectErrorPage(res, 400, 'Sign-in failed')
    expect(res.headers.getSetCookie().some((c) => /^session=;.*Expires=Thu, 01 Jan 1970/.test(c))).toBe(true)
    await expectSignedOut(browser, pp)
  })

  it('a garbage state → 400', async () => {
    const browser = new OidcBrowser()
    await pendingLogin(browser)
    expectErrorPage(await browser.request(`${pp.origin}/callback?code=abc&state=%00%FF%FE`), 400, 'Sign-in expired')
    await expectSignedOut(browser, pp)
  })

  it.each([
    ['no parameters', ''],
    ['only a code', '?code=abc'],
    ['only a state', '?state=abc'],
    ['empty values', '?code=&state='],
  ])('%s → 400', async (_name, query) => {
    const browser = new OidcBrowser()
    await pendingLogin(browser)
    expectErrorPage(await browser.request(`${pp.origin}/callback${query}`), 400, 'Sign-in failed')
    await expectSignedOut(browser, pp)
  })

  it('a callback with no login pending in this browser → 400', async () => {
    const browser = new OidcBrowser()
    expectErrorPage(await browser.request(`${pp.origin}/callback?code=abc&state=def`), 400, 'Sign-in expired')
    await expectSignedOut(browser, pp)
  })

  it('error=access_denied → 400 "cancelled"; the description is not echoed', async () => {
    const browser = new OidcBrowser()
    const state = await pendingLogin(browser)
    const res = await browser.request(`${pp.origin}/callback?error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state=${state}`)
    expectErrorPage(res, 400, 'Sign-in cancelled')
    expect(res.body).not.toContain('script>alert')
    expect(res.body).not.toContain('alert(1)')
    await expectSignedOut(browser, pp)
  })

  it('another error code → 400 "reported an error", the code not echoed', async () => {
    const browser = new OidcBrowser()
    await pendingLogin(browser)
    const res = await browser.request(`${pp.origin}/callback?error=%3Cb%3Ebold%3C%2Fb%3E`)
    expectErrorPage(res, 400, 'reported an error')
    expect(res.body).not.toContain('bold')
  })

  it.each([
    ['a repeated parameter', '?code=a&code=b&state=c'],
    ['an oversized code', `?code=${'c'.repeat(5000)}&state=s`],
    ['an oversized state', `?code=c&state=${'s'.repeat(1000)}`],
  ])('%s → 400 HTML (not a JSON schema error), and the pending login is dropped', async (_name, query) => {
    const browser = new OidcBrowser()
    await pendingLogin(browser)
    const res = await browser.request(`${pp.origin}/callback${query}`)
    expectErrorPage(res, 400, 'Sign-in failed')
    expect(res.body).not.toContain('querystring')
    await expectSignedOut(browser, pp)
  })

  it('a failed callback does not sign out a user who is already signed in (no logout by a forged link)', async () => {
    const browser = new OidcBrowser()
    await browser.signIn(`${pp.origin}/login`, PERSONAS.user)
    expectErrorPage(await browser.request(`${pp.origin}/callback?code=forged&state=forged`), 400, 'Sign-in expired')
    expect((await browser.request(`${pp.origin}/productpage`)).body).toContain('sign out')
  })

  it('wrong methods on the login routes → 405 with Allow', async () => {
    for (const path of ['/login', '/callback', '/logout']) {
      const res = await fetch(`${pp.origin}${path}`, { method: 'POST', redirect: 'manual' })
      expect(res.status).toBe(405)
      expect(res.headers.get('allow')).toContain('GET')
    }
  })
})

describe('bad cookies', () => {
  it.each([
    ['an unsigned session id', 'session=abc'],
    ['a forged signature', 'session=abc.def'],
    ['a huge value', `session=${'A'.repeat(8000)}`],
    ['malformed syntax', 'session=%%%; =; ;;; oauth2-code-verifier'],
    ['non-ASCII', 'session=caf\u00e9.sig'],
    ['a huge verifier cookie', `oauth2-code-verifier=${'v'.repeat(8000)}`],
  ])('%s: /productpage is anonymous (200), /callback a 400 page, never a 5xx', async (_name, cookie) => {
    const page = await raw(pp, '/productpage', { cookie })
    expect(page.status).toBe(200)
    expect(page.body).toContain('>Sign in</a>')
    const callback = await raw(pp, '/callback?code=a&state=b', { cookie })
    expect(callback.status).toBe(400)
    expect(callback.headers['content-type']).toMatch(/^text\/html/)
  })

  it('a Cookie header over the server\'s header limit → 431', async () => {
    const res = await raw(pp, '/productpage', { cookie: `session=${'A'.repeat(20_000)}` })
    expect(res.status).toBe(431)
  })
})

describe('an IdP that is down, slow or half-broken', () => {
  it('down at start-up: productpage still serves the anonymous page', async () => {
    const page = await new OidcBrowser().request(`${ppDown.origin}/productpage`)
    expect(page.status).toBe(200)
    expect(page.body).toContain('>Sign in</a>')
  })

  it('down: /login → 502 page, no session, then /login works once the IdP is back (discovery retried)', async () => {
    const browser = new OidcBrowser()
    const res = await browser.request(`${ppDown.origin}/login`)
    expectErrorPage(res, 502, 'Sign-in is not available right now')
    expect(res.body).toContain('href="login"')
    expect(res.headers.getSetCookie()).toEqual([])
    await expectSignedOut(browser, ppDown)

    revived = await startReverseProxy(idp.base, { port: downPort })
    const { page } = await browser.signIn(`${ppDown.origin}/login`, PERSONAS.mod)
    expect(page.url.href).toBe(`${ppDown.origin}/productpage`)
    expect(page.body).toContain('moderator')
  })

  it('slow (never answers): /login → 502 within the back-channel deadlines, no session', async () => {
    const browser = new OidcBrowser()
    const res = await browser.request(`${ppSlow.origin}/login`)
    expectErrorPage(res, 502, 'Sign-in is not available right now')
    expect(res.headers.getSetCookie()).toEqual([])
    // Discovery was tried with a bounded retry: several attempts, not one and not endless.
    const discoveries = silent.requests.filter((r) => r.url === '/.well-known/openid-configuration').length
    expect(discoveries).toBeGreaterThanOrEqual(2)
    await expectSignedOut(browser, ppSlow)
  })

  it('a token endpoint that never answers: the callback → 502 page after the deadline, no session', async () => {
    const browser = new OidcBrowser()
    const { page } = await browser.signIn(`${ppStalledToken.origin}/login`, PERSONAS.user)
    expect(page.url.pathname).toBe('/callback')
    expectErrorPage(page, 502, 'Sign-in is not available right now')
    expect(stallingToken.requests.some((r) => r.url === '/oauth/token')).toBe(true)
    await expectSignedOut(browser, ppStalledToken)
  })
})

interface Raw { status: number, headers: Record<string, string | string[] | undefined>, body: string }

/** A request with headers fetch would refuse or rewrite (non-ASCII, oversized). */
async function raw (app: RunningProductpage, path: string, headers: Record<string, string>): Promise<Raw> {
  const port = Number(new URL(app.origin).port)
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => { body += chunk.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}
