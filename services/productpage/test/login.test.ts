import { describe, expect, it } from 'vitest'
import { encodeSession } from '../src/auth/simple-login.ts'
import { DETAILS_BODY, DETAILS_ORIGIN, REVIEWS_ORIGIN, TEST_SECRET, appWith, login, reviewsBody, useMockedApp } from './fixtures.ts'

const t = useMockedApp()

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

/** Backends for one page view; returns the end-user header each call carried. */
function pageBackends (): Array<string | undefined> {
  const users: Array<string | undefined> = []
  t.agent.get(DETAILS_ORIGIN).intercept({ path: '/details/0', method: 'GET' }).reply((opts) => {
    users.push((opts.headers as Record<string, string>)['end-user'])
    return { statusCode: 200, data: JSON.stringify(DETAILS_BODY) }
  })
  t.agent.get(REVIEWS_ORIGIN).intercept({ path: '/reviews/0', method: 'GET' }).reply((opts) => {
    users.push((opts.headers as Record<string, string>)['end-user'])
    return { statusCode: 200, data: reviewsBody('v2') }
  })
  return users
}

describe('POST /login (simple login, contract §5.5)', () => {
  it('jason: 302 and a signed, HttpOnly, Lax session cookie; the page then shows jason and calls carry end-user: jason', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/login', headers: FORM, payload: 'username=jason&passwd=password' })
    expect(res.statusCode).toBe(302)
    expect(res.headers.location).toBe('/productpage')
    const setCookie = String(res.headers['set-cookie'])
    expect(setCookie).toMatch(/^session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/)
    const cookie = setCookie.split(';')[0] as string

    const users = pageBackends()
    const page = await t.app.inject({ url: '/productpage', headers: { cookie } })
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(/<i class="glyphicon glyphicon-user" aria-hidden="true"><\/i>\s*jason \( <a href="logout" class="navbar-link">sign out<\/a> \)/)
    expect(page.body).not.toContain('login-modal')
    expect(users).toEqual(['jason', 'jason'])
    // Neither the cookie value nor the signing key ever reaches the page.
    expect(page.body).not.toContain(cookie.slice('session='.length))
    expect(page.body).not.toContain(TEST_SECRET)
  })

  it('an anonymous page offers the sign-in modal and sends no end-user', async () => {
    const users = pageBackends()
    const page = await t.app.inject({ url: '/productpage' })
    expect(page.body).toContain('data-target="#login-modal"')
    expect(page.body).toContain('>Sign in</button>')
    expect(page.body).toContain('id="login-modal"')
    expect(page.body).toContain('<form method="post" action="login">')
    expect(page.body).toMatch(/<input type="text"[^>]* id="username" name="username" placeholder="User Name"/)
    expect(page.body).toMatch(/<input type="password"[^>]* name="passwd"/)
    expect(page.body).not.toContain('sign out')
    expect(users).toEqual([undefined, undefined])
  })

  it('the user name is HTML-escaped on the page', async () => {
    const cookie = await login(t.app, '<b>x</b>&"y"')
    pageBackends()
    const page = await t.app.inject({ url: '/productpage', headers: { cookie } })
    expect(page.body).toContain('&lt;b&gt;x&lt;/b&gt;&amp;&quot;y&quot;')
    expect(page.body).not.toContain('<b>x</b>')
  })

  it('sets Secure when COOKIE_SECURE is true', async () => {
    const secure = await appWith(t.agent, { COOKIE_SECURE: 'true' })
    const res = await secure.inject({ method: 'POST', url: '/login', headers: FORM, payload: 'username=jason' })
    expect(String(res.headers['set-cookie'])).toContain('; Secure')
    await secure.close()
  })

  it('a JSON body works too (same schema)', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/login', payload: { username: 'jason' } })
    expect(res.statusCode).toBe(302)
  })

  it.each([
    ['no username', 'passwd=x'],
    ['a control character', 'username=ja%0Dson'],
    ['a non-ASCII name', 'username=j%C3%A4son'],
    ['leading space', 'username=%20jason'],
    ['a 129-character name', `username=${'a'.repeat(129)}`],
  ])('%s → 400, no cookie', async (_label, payload) => {
    const res = await t.app.inject({ method: 'POST', url: '/login', headers: FORM, payload })
    expect(res.statusCode).toBe(400)
    expect(res.headers['set-cookie']).toBeUndefined()
  })

  it('an oversized form body → 413', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/login', headers: FORM, payload: `username=jason&passwd=${'x'.repeat(70 * 1024)}` })
    expect(res.statusCode).toBe(413)
  })

  it('an unsupported content type → 415', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/xml' }, payload: '<u>jason</u>' })
    expect(res.statusCode).toBe(415)
  })

  it('GET /login → 405 with Allow', async () => {
    const res = await t.app.inject({ url: '/login' })
    expect(res.statusCode).toBe(405)
    expect(res.headers.allow).toContain('POST')
  })
})

describe('redirect target (contract §11 #1)', () => {
  it.each([
    ['a same-origin Referer is honoured', 'http://localhost:9080/productpage?u=test', 'localhost:9080', 'http://localhost:9080/productpage?u=test'],
    ['same host over https (TLS ended at the ingress)', 'https://bookinfo.example/productpage', 'bookinfo.example', 'https://bookinfo.example/productpage'],
    ['a foreign host → /productpage', 'http://evil.example/phish', 'localhost:9080', '/productpage'],
    ['same host name, other port → /productpage', 'http://localhost:8080/x', 'localhost:9080', '/productpage'],
    ['a non-http scheme → /productpage', 'javascript:alert(1)', 'localhost:9080', '/productpage'],
    ['garbage → /productpage', 'not a url', 'localhost:9080', '/productpage'],
    ['credentials in the Referer → /productpage', 'http://user:pw@localhost:9080/x', 'localhost:9080', '/productpage'],
    ['a protocol-relative-looking path stays on our host', 'http://localhost:9080//evil.example/x', 'localhost:9080', 'http://localhost:9080//evil.example/x'],
  ])('%s', async (_label, referer, host, location) => {
    const loginRes = await t.app.inject({ method: 'POST', url: '/login', headers: { ...FORM, referer, host }, payload: 'username=jason' })
    expect(loginRes.statusCode).toBe(302)
    expect(loginRes.headers.location).toBe(location)
    const logoutRes = await t.app.inject({ url: '/logout', headers: { referer, host } })
    expect(logoutRes.statusCode).toBe(302)
    expect(logoutRes.headers.location).toBe(location)
  })

  it('no Referer → /productpage (upstream sent the literal "None")', async () => {
    const res = await t.app.inject({ url: '/logout' })
    expect(res.headers.location).toBe('/productpage')
  })
})

describe('session cookie', () => {
  it('logout expires the cookie; the page is anonymous again', async () => {
    await login(t.app, 'jason')
    const res = await t.app.inject({ url: '/logout' })
    expect(res.statusCode).toBe(302)
    expect(String(res.headers['set-cookie'])).toMatch(/^session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/)
  })

  it.each([
    ['a tampered value', (c: string) => c.replace('session=', 'session=x')],
    ['another user with the old signature', (c: string) => `session=${encodeSession('admin')}.${c.split('.').pop() ?? ''}`],
    ['an unsigned payload', () => `session=${encodeSession('jason')}`],
    ['a cookie signed with another key', () => 'session=eyJ1c2VyIjoiamFzb24ifQ.bm90LXRoZS1yaWdodC1zaWduYXR1cmU'],
    ['malformed cookie syntax', () => 'session=;;;=;==; ; a'],
    ['percent garbage', () => 'session=%E0%A4%A'],
    ['an 8 KiB session cookie', () => `session=${'a'.repeat(8192)}`],
    ['many cookies in a huge header', () => Array.from({ length: 500 }, (_, i) => `c${i}=${'v'.repeat(20)}`).join('; ')],
  ])('%s → anonymous page, 200', async (_label, forge) => {
    const cookie = forge(await login(t.app, 'jason'))
    const users = pageBackends()
    const page = await t.app.inject({ url: '/productpage', headers: { cookie } })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('data-target="#login-modal"')
    expect(page.body).not.toContain('sign out')
    expect(users).toEqual([undefined, undefined])
  })

  it('a cookie from another t.app instance with the same key is accepted (replicas share sessions)', async () => {
    const cookie = await login(t.app, 'jason')
    const other = await appWith(t.agent)
    pageBackends()
    const page = await other.inject({ url: '/productpage', headers: { cookie } })
    expect(page.body).toContain('sign out')
    await other.close()
  })
})
