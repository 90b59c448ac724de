import { OidcBrowser, formOf, isLoginForm } from '@bookinfo/test-helpers/oidc-browser'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  API, CLIENT_ID, PERSONAS, bearerOf, oidcEnv, reserveOrigin, startBackends, startIdp, startProductpage, verifyAccessToken,
  type Backends, type RunningIdp, type RunningProductpage,
} from './oidc-fixture.ts'

let idp: RunningIdp
let backends: Backends
let pp: RunningProductpage
/** productpage with `offline_access` in its scope: it gets refresh tokens. */
let ppRefresh: RunningProductpage
// Added to productpage's clock: moving it past a token's expiry needs no waiting.
let clockShiftMs = 0
const now = () => Date.now() + clockShiftMs

beforeAll(async () => {
  backends = await startBackends()
  const a = await reserveOrigin()
  const b = await reserveOrigin()
  idp = await startIdp([a.origin, b.origin])
  pp = await startProductpage(a.port, oidcEnv(idp, a.origin, backends), { now })
  ppRefresh = await startProductpage(b.port, oidcEnv(idp, b.origin, backends, { OIDC_SCOPE: 'openid profile email offline_access' }), { now })
})

afterAll(async () => {
  await pp?.close()
  await ppRefresh?.close()
  await idp?.stop()
  await backends?.close()
})

afterEach(() => {
  clockShiftMs = 0
})

async function signedIn (persona: { username: string, password: string }, app = pp): Promise<OidcBrowser> {
  const browser = new OidcBrowser()
  const { page } = await browser.signIn(`${app.origin}/login`, persona)
  if (page.url.pathname !== '/productpage' || page.status !== 200) throw new Error(`sign-in ended at ${page.status} ${page.url.href}`)
  return browser
}

/** The callback URL the IdP sends the browser to, not yet requested. */
async function callbackUrl (browser: OidcBrowser, persona: { username: string, password: string }, app = pp): Promise<URL> {
  const stopBefore = (next: URL) => next.pathname === '/callback'
  const { page } = await browser.signIn(`${app.origin}/login`, persona, { stopBefore })
  const location = page.headers.get('location')
  if (location === null) throw new Error(`no redirect to the callback: ${page.status}`)
  return new URL(location, page.url)
}

describe('OIDC code flow against the real IdP', () => {
  it.each([
    ['user', PERSONAS.user],
    ['moderator', PERSONAS.mod],
  ] as const)('%s: signs in, the page greets them, and backends get a bearer for the API with their permissions', async (_name, persona) => {
    const browser = await signedIn(persona)
    const page = await browser.request(`${pp.origin}/productpage`)
    expect(page.status).toBe(200)
    expect(page.body).toMatch(new RegExp(`glyphicon-user" aria-hidden="true"></i>\\s*${persona.nickname} \\( <a href="logout" class="navbar-link">sign out</a> \\)`))
    expect(page.body).not.toContain('>Sign in<')

    for (const backend of [backends.details, backends.reviews]) {
      const request = backend.requests.at(-1)
      expect(request?.headers['end-user']).toBe(persona.nickname)
      const bearer = bearerOf(backend)
      expect(bearer).toBeDefined()
      const claims = await verifyAccessToken(idp, bearer as string)
      expect(claims.iss).toBe(idp.issuer)
      expect(claims.aud).toEqual(expect.arrayContaining([API]))
      expect(claims.permissions).toEqual(persona.permissions)
      expect(claims.azp).toBe(CLIENT_ID)
    }
  })

  it('the anonymous page links "Sign in" to /login and sends no bearer or end-user', async () => {
    const page = await new OidcBrowser().request(`${pp.origin}/productpage`)
    expect(page.status).toBe(200)
    expect(page.body).toContain('<a class="btn btn-default navbar-btn navbar-right" href="/login">Sign in</a>')
    expect(page.body).not.toContain('login-modal')
    expect(page.body).not.toContain('sign out')
    expect(backends.details.requests.at(-1)?.headers.authorization).toBeUndefined()
    expect(backends.details.requests.at(-1)?.headers['end-user']).toBeUndefined()
  })

  it('/login redirects to the public authorize endpoint with state, PKCE S256, nonce, audience and scope', async () => {
    const browser = new OidcBrowser()
    const res = await browser.request(`${pp.origin}/login`)
    expect(res.status).toBe(302)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const url = new URL(res.headers.get('location') as string)
    expect(`${url.origin}${url.pathname}`).toBe(`${idp.issuer}authorize`)
    const q = url.searchParams
    expect(q.get('response_type')).toBe('code')
    expect(q.get('client_id')).toBe(CLIENT_ID)
    expect(q.get('redirect_uri')).toBe(`${pp.origin}/callback`)
    expect(q.get('scope')).toBe('openid profile email')
    expect(q.get('audience')).toBe(API)
    expect(q.get('code_challenge_method')).toBe('S256')
    expect(q.get('code_challenge')).toMatch(/^[\w-]{43}$/)
    expect(q.get('state')).toMatch(/^[\w-]{43}$/)
    expect(q.get('nonce')).toMatch(/^[\w-]{43}$/)
    expect(q.get('nonce')).not.toBe(q.get('state'))
    // The session cookie carries an id only: neither the state nor the nonce is in it.
    const session = browser.cookie(pp.origin, 'session') as string
    expect(session).toBeDefined()
    expect(session).not.toContain(q.get('state') as string)
    expect(session).not.toContain(q.get('nonce') as string)
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('session=')) as string
    expect(setCookie).toMatch(/^session=[\w-]+\.[\w+/-]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/)
    // A session made only for a login that may never finish expires with the login (10 minutes).
    const expires = Date.parse(/Expires=([^;]+)/.exec(setCookie)?.[1] as string)
    expect(expires - Date.now()).toBeGreaterThan(8 * 60_000)
    expect(expires - Date.now()).toBeLessThanOrEqual(10 * 60_000)
  })

  it('after sign-in the session cookie lives SESSION_MAX_AGE_SECONDS (default 8 h)', async () => {
    const browser = new OidcBrowser()
    const callback = await callbackUrl(browser, PERSONAS.user)
    const res = await browser.request(callback)
    expect(res.status).toBe(302)
    // @fastify/session first expires the pre-login id, then sets the new one (browsers apply them in order).
    const setCookie = res.headers.getSetCookie().filter((c) => c.startsWith('session=')).at(-1) as string
    const expires = Date.parse(/Expires=([^;]+)/.exec(setCookie)?.[1] as string)
    expect(expires - Date.now()).toBeGreaterThan(7.9 * 3600_000)
    expect(expires - Date.now()).toBeLessThanOrEqual(8 * 3600_000)
  })

  it('productpage reads discovery, token and JWKS over the back channel; the public address only sees the browser', async () => {
    await signedIn(PERSONAS.user)
    const seen = idp.front.requests.map((r) => r.url.split('?')[0])
    expect(seen).toContain('/authorize')
    expect(seen.some((p) => p?.startsWith('/interaction/'))).toBe(true)
    for (const backChannel of ['/oauth/token', '/.well-known/openid-configuration', '/.well-known/jwks.json', '/userinfo']) {
      expect(seen).not.toContain(backChannel)
    }
  })

  it('a signed-in user\'s bearer replaces any Authorization the browser sends', async () => {
    const browser = await signedIn(PERSONAS.user)
    await browser.request(`${pp.origin}/api/v1/products/0`, { headers: { authorization: 'Bearer forged.by.client', 'end-user': 'jason' } })
    const request = backends.details.requests.at(-1)
    expect(request?.headers.authorization).not.toBe('Bearer forged.by.client')
    expect(request?.headers['end-user']).toBe('user')
    await verifyAccessToken(idp, bearerOf(backends.details) as string)
  })
})

describe('sessions', () => {
  it('the session id changes at sign-in, and the pre-login id signs nobody in', async () => {
    const browser = new OidcBrowser()
    const start = await browser.navigate(`${pp.origin}/login`, {}, { stopBefore: (next) => next.host !== new URL(pp.origin).host })
    const before = browser.cookie(pp.origin, 'session')
    expect(before).toBeDefined()
    const form = await browser.navigate(start.page.headers.get('location') as string)
    const done = await browser.submit(formOf(form.page), { username: PERSONAS.user.username, password: PERSONAS.user.password })
    expect(done.page.url.pathname).toBe('/productpage')
    const after = browser.cookie(pp.origin, 'session')
    expect(after).toBeDefined()
    expect(after).not.toBe(before)
    expect(done.page.body).toContain('sign out')

    const stale = new OidcBrowser()
    stale.setCookie(pp.origin, 'session', before as string)
    const page = await stale.request(`${pp.origin}/productpage`)
    expect(page.body).toContain('>Sign in</a>')
  })

  it('while the IdP session lives, a new /login needs no password (single sign-on)', async () => {
    const browser = await signedIn(PERSONAS.mod)
    const again = await browser.navigate(`${pp.origin}/login`)
    expect(isLoginForm(again.page)).toBe(false)
    expect(again.page.url.pathname).toBe('/productpage')
    expect(again.page.body).toContain('moderator')
  })

  it('logout ends the server-side session and the IdP session, and comes back to /productpage', async () => {
    const browser = await signedIn(PERSONAS.user)
    const cookie = browser.cookie(pp.origin, 'session') as string

    const res = await browser.request(`${pp.origin}/logout`)
    expect(res.status).toBe(302)
    expect(res.headers.getSetCookie().some((c) => /^session=;/.test(c))).toBe(true)
    const target = new URL(res.headers.get('location') as string)
    // The IdP advertises end_session_endpoint, so RP-initiated logout is used (no ID token in the URL).
    expect(`${target.origin}${target.pathname}`).toBe(`${idp.issuer}oidc/logout`)
    expect(target.searchParams.get('client_id')).toBe(CLIENT_ID)
    expect(target.searchParams.get('post_logout_redirect_uri')).toBe(`${pp.origin}/productpage`)
    expect(target.searchParams.has('id_token_hint')).toBe(false)

    const out = await browser.signOut(target)
    expect(out.page.url.href).toBe(`${pp.origin}/productpage`)
    expect(out.page.body).toContain('>Sign in</a>')

    // The old cookie is dead on the server, not only forgotten by this browser.
    const replay = new OidcBrowser()
    replay.setCookie(pp.origin, 'session', cookie)
    expect((await replay.request(`${pp.origin}/productpage`)).body).toContain('>Sign in</a>')
    // And the IdP asks for the password again.
    const again = await browser.navigate(`${pp.origin}/login`)
    expect(isLoginForm(again.page)).toBe(true)
  })

  it('logout from a plain client (curl, no browser headers) works and answers the redirect', async () => {
    const res = await fetch(`${pp.origin}/logout`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toContain('/oidc/logout?')
  })

  it.each([
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
    ['a foreign Origin', { origin: 'http://evil.invalid' }],
    ['Origin: null', { origin: 'null' }],
    ['a foreign Referer', { referer: 'http://evil.invalid/page' }],
    ['a Referer on another port', { referer: 'http://localhost:1/productpage' }],
  ])('a cross-site logout (%s) is refused with 403 and the user stays signed in', async (_name, headers) => {
    const browser = await signedIn(PERSONAS.user)
    const res = await browser.request(`${pp.origin}/logout`, { headers })
    expect(res.status).toBe(403)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.body).toContain('Sign-out refused')
    expect(res.headers.getSetCookie().some((c) => c.startsWith('session='))).toBe(false)
    expect((await browser.request(`${pp.origin}/productpage`)).body).toContain('sign out')
  })

  it('a same-origin logout (the page\'s own link) is accepted', async () => {
    const browser = await signedIn(PERSONAS.user)
    const res = await browser.request(`${pp.origin}/logout`, {
      headers: { 'sec-fetch-site': 'same-origin', referer: `${pp.origin}/productpage` },
    })
    expect(res.status).toBe(302)
    expect((await browser.request(`${pp.origin}/productpage`)).body).toContain('>Sign in</a>')
  })
})

describe('callback attacks', () => {
  it('a callback whose state is not this browser\'s → 400 page, no session, and the real callback is then spent too', async () => {
    const browser = new OidcBrowser()
    const callback = await callbackUrl(browser, PERSONAS.mod)
    const forged = new URL(callback)
    forged.searchParams.set('state', 'x'.repeat(43))
    const res = await browser.request(forged)
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.body).toContain('Sign-in expired')
    expect((await browser.request(`${pp.origin}/productpage`)).body).toContain('>Sign in</a>')
    // The pending login was dropped: the genuine answer cannot be used after a forged one.
    expect((await browser.request(callback)).status).toBe(400)
    expect((await browser.request(`${pp.origin}/productpage`)).body).toContain('>Sign in</a>')
  })

  it('a callback in another browser (login CSRF: the attacker\'s code and state) → 400, no session', async () => {
    const attacker = new OidcBrowser()
    const callback = await callbackUrl(attacker, PERSONAS.user)
    const victim = new OidcBrowser()
    const res = await victim.request(callback)
    expect(res.status).toBe(400)
    expect(victim.cookie(pp.origin, 'session')).toBeUndefined()
  })

  it('a replayed code → 400 (the IdP refuses it), no session', async () => {
    const first = new OidcBrowser()
    const callback = await callbackUrl(first, PERSONAS.user)
    const used = await first.request(callback)
    expect(used.status).toBe(302)
    expect(used.headers.get('location')).toBe('/productpage')
    // Replayed in the same browser: nothing is pending any more.
    expect((await first.request(callback)).status).toBe(400)

    // Replayed inside a fresh login of another browser (its own state, so the state check passes):
    // the token endpoint refuses the spent code.
    const second = new OidcBrowser()
    const start = await second.request(`${pp.origin}/login`)
    const state = new URL(start.headers.get('location') as string).searchParams.get('state') as string
    const replay = new URL(callback)
    replay.searchParams.set('state', state)
    const res = await second.request(replay)
    expect(res.status).toBe(400)
    expect(res.body).toContain('did not accept')
    expect(second.cookie(pp.origin, 'session')).toBeUndefined()
    expect((await second.request(`${pp.origin}/productpage`)).body).toContain('>Sign in</a>')
  })

  it('an iss parameter naming another issuer (mix-up) → 400', async () => {
    const browser = new OidcBrowser()
    const callback = await callbackUrl(browser, PERSONAS.user)
    expect(callback.searchParams.get('iss')).toBe(idp.issuer)
    callback.searchParams.set('iss', 'http://evil.invalid/')
    expect((await browser.request(callback)).status).toBe(400)
    expect((await browser.request(`${pp.origin}/productpage`)).body).toContain('>Sign in</a>')
  })
})

describe('access token expiry', () => {
  it('without a refresh token, an expired access token signs the user out and is never forwarded', async () => {
    const browser = await signedIn(PERSONAS.mod)
    const stale = bearerOf(backends.details)
    expect(stale).toBeDefined()

    clockShiftMs = 2 * 3600_000
    const page = await browser.request(`${pp.origin}/productpage`)
    expect(page.body).toContain('>Sign in</a>')
    for (const backend of [backends.details, backends.reviews]) {
      expect(backend.requests.at(-1)?.headers.authorization).toBeUndefined()
      expect(backend.requests.at(-1)?.headers['end-user']).toBeUndefined()
    }
    await browser.request(`${pp.origin}/api/v1/products/0`)
    expect(backends.details.requests.at(-1)?.headers.authorization).toBeUndefined()

    // The session user was cleared, not merely hidden: back at the real time the user is still out.
    clockShiftMs = 0
    expect((await browser.request(`${pp.origin}/productpage`)).body).toContain('>Sign in</a>')
  })

  it('with a refresh token (offline_access), an expired access token is refreshed and the new one forwarded', async () => {
    const browser = await signedIn(PERSONAS.mod, ppRefresh)
    const first = bearerOf(backends.details) as string
    expect(first).toBeDefined()

    clockShiftMs = 2 * 3600_000
    const page = await browser.request(`${ppRefresh.origin}/productpage`)
    expect(page.body).toContain('moderator ( <a href="logout"')
    const refreshed = bearerOf(backends.details) as string
    expect(refreshed).toBeDefined()
    expect(refreshed).not.toBe(first)
    const claims = await verifyAccessToken(idp, refreshed)
    expect(claims.permissions).toEqual(PERSONAS.mod.permissions)
    expect(backends.details.requests.at(-1)?.headers['end-user']).toBe('moderator')
  })
})
