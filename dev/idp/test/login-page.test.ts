import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OidcBrowser, formOf } from '@bookinfo/test-helpers/oidc-browser'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { API, PERSONAS, REDIRECT_URI, authorizeUrl, callbackParams, exchangeCode, loginAs, postForm, startIdp, type RunningIdp } from './fixture.ts'

let idp: RunningIdp

beforeAll(async () => {
  idp = await startIdp()
})

afterAll(async () => {
  await idp.proc.stop()
})

/** Opens /authorize in a fresh browser and returns the login page and its form's absolute action. */
async function openLoginPage (extra: Record<string, string> = {}) {
  const browser = new OidcBrowser()
  const { url } = authorizeUrl(idp, { extra })
  const { page } = await browser.navigateWithin(url, idp.base)
  return { browser, res: page, html: page.body, action: formOf(page).action }
}

function post (browser: OidcBrowser, action: URL, form: Record<string, string>) {
  return browser.post(action, form)
}

describe('login page', () => {
  it('is plain HTML with labelled username/password inputs and a "Log in" button, no scripts or external assets', async () => {
    const { res, html } = await openLoginPage()
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(html).toMatch(/<label for="username">[^<]+<\/label>\s*<input id="username" name="username"/)
    expect(html).toMatch(/<label for="password">Password<\/label>\s*<input id="password" name="password" type="password"/)
    expect(html).toContain('<button type="submit">Log in</button>')
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!localhost)/)
  })

  it('a wrong password: 401, the error text, no redirect to the client and no session', async () => {
    const { browser, action } = await openLoginPage()
    const res = await post(browser, action, { username: PERSONAS.user.login, password: 'not-the-password' })
    expect(res.status).toBe(401)
    expect(res.headers.get('location')).toBeNull()
    const html = res.body
    expect(html).toContain('Wrong email or password.')
    expect(html).toContain(`value="${PERSONAS.user.login}"`)
    expect(browser.cookie(idp.base, '_session')).toBeUndefined()
  })

  it('an unknown user gets the same answer', async () => {
    const { browser, action } = await openLoginPage()
    const res = await post(browser, action, { username: 'nobody@bookinfo.com', password: 'user-password' })
    expect(res.status).toBe(401)
    expect(res.body).toContain('Wrong email or password.')
  })

  it('after a wrong password the same form still logs in with the right one', async () => {
    const { browser, action } = await openLoginPage()
    expect((await post(browser, action, { username: PERSONAS.mod.login, password: 'nope' })).status).toBe(401)
    const done = await postForm(browser, action, idp, { username: 'MOD@Bookinfo.com', password: PERSONAS.mod.password })
    expect(callbackParams(done).get('code')).toMatch(/.+/)
  })

  it('accepts `email` as the login field name too', async () => {
    const { browser, action } = await openLoginPage()
    const done = await postForm(browser, action, idp, { email: PERSONAS.user.login, password: PERSONAS.user.password })
    expect(done.headers.get('location')?.startsWith(`${REDIRECT_URI}?`)).toBe(true)
  })

  it('escapes what it reflects (login_hint)', async () => {
    const { html } = await openLoginPage({ login_hint: '"><script>alert(1)</script>' })
    expect(html).not.toContain('<script>')
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"')
  })

  it('a form posted without the interaction cookie (another site, another browser) is refused', async () => {
    const { action } = await openLoginPage()
    const res = await post(new OidcBrowser(), action, { username: PERSONAS.user.login, password: PERSONAS.user.password })
    expect(res.status).toBe(400)
    expect(res.headers.get('location')).toBeNull()
    expect(res.body).toContain('unknown or has expired')
  })

  it('a form posted to another interaction uid than the browser\'s is refused', async () => {
    const first = await openLoginPage()
    const second = await openLoginPage()
    // The first browser's cookie, the second login's form target (both real, unexpired interactions).
    const uid = second.action.pathname.split('/')[2] as string
    const cookie = first.browser.cookie(idp.base, '_interaction')
    const sig = first.browser.cookie(idp.base, '_interaction.sig')
    expect(cookie).toBeDefined()
    const crossed = new OidcBrowser()
    crossed.setCookie(idp.base, '_interaction', cookie ?? '')
    if (sig) crossed.setCookie(idp.base, '_interaction.sig', sig)
    const res = await post(crossed, new URL(`/interaction/${uid}/login`, idp.base), { username: PERSONAS.user.login, password: PERSONAS.user.password })
    expect(res.status).toBe(400)
    expect(res.body).toContain('does not match your browser session')
  })

  it('an oversized form → 413', async () => {
    const { browser, action } = await openLoginPage()
    const res = await post(browser, action, { username: 'u'.repeat(20_000), password: 'p' })
    expect(res.status).toBe(413)
  })

  it('unknown interaction paths → 404; wrong methods → 405 with Allow', async () => {
    expect((await fetch(new URL('/interaction/abc/other', idp.base))).status).toBe(404)
    expect((await fetch(new URL('/interaction/%3Cx%3E', idp.base))).status).toBe(404)
    const put = await fetch(new URL('/interaction/abc', idp.base), { method: 'PUT' })
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('GET')
    const get = await fetch(new URL('/interaction/abc/login', idp.base))
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
  })

  it('an unknown or expired interaction → 400 page, not a 5xx', async () => {
    const res = await fetch(new URL('/interaction/AAAAAAAAAAAAAAAAAAAAA', idp.base))
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('sign in again')
  })
})

describe('authorization request checks', () => {
  it('an unknown redirect_uri is rejected on an IdP page, never redirected to', async () => {
    const browser = new OidcBrowser()
    const { url } = authorizeUrl(idp, { redirectUri: 'http://localhost:9080/evil' })
    const res = await browser.request(url)
    expect(res.status).toBe(400)
    expect(res.headers.get('location')).toBeNull()
    const html = res.body
    expect(html).toContain('redirect_uri')
    expect(html).not.toContain('<script')
  })

  it('PKCE is required: no code_challenge → invalid_request back to the client', async () => {
    const { url } = authorizeUrl(idp)
    url.searchParams.delete('code_challenge')
    url.searchParams.delete('code_challenge_method')
    const res = await new OidcBrowser().request(url)
    expect(res.status).toBe(303)
    const params = callbackParams(res)
    expect(params.get('error')).toBe('invalid_request')
    expect(params.get('error_description')).toMatch(/PKCE/)
  })

  it('the plain PKCE method is refused', async () => {
    const { url } = authorizeUrl(idp, { extra: { code_challenge_method: 'plain' } })
    const params = callbackParams(await new OidcBrowser().request(url))
    expect(params.get('error')).toBe('invalid_request')
  })

  it('an unknown audience → invalid_target back to the client', async () => {
    const { url } = authorizeUrl(idp, { extra: { audience: 'https://not-our-api.example' } })
    const params = callbackParams(await new OidcBrowser().request(url))
    expect(params.get('error')).toBe('invalid_target')
  })

  it('without `audience` the access token is still for the API (the tenant\'s default audience)', async () => {
    const login = await loginAs(idp, PERSONAS.user, { omit: ['audience'] })
    expect(login.callback.get('state')).toBe(login.state)
    expect(login.callback.get('iss')).toBe(idp.issuer)
    const tokens = await exchangeCode(idp, login)
    const { payload } = await jwtVerify(tokens.body.access_token as string, createRemoteJWKSet(new URL('/.well-known/jwks.json', idp.base)), { issuer: idp.issuer, audience: API })
    expect(payload.permissions).toEqual(PERSONAS.user.permissions)
  })
})
