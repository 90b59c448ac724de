import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OidcBrowser } from '@bookinfo/test-helpers/oidc-browser'
import { CLIENT_ID, PERSONAS, POST_LOGOUT_URI, REDIRECT_URI, authorizeUrl, callbackParams, loginAs, startIdp, type RunningIdp } from './fixture.ts'

let idp: RunningIdp

beforeAll(async () => {
  idp = await startIdp()
})

afterAll(async () => {
  await idp.proc.stop()
})

/** A new /authorize in this browser: either straight back to the client (SSO) or the login page. */
async function authorizeAgain (browser: OidcBrowser): Promise<'code' | 'login-page'> {
  const { url } = authorizeUrl(idp)
  const { page: res } = await browser.navigateWithin(url, idp.base)
  if (res.status === 200 && res.body.includes('Log in')) return 'login-page'
  if (callbackParams(res).get('code') !== null) return 'code'
  throw new Error(`unexpected answer ${res.status}`)
}

function logoutUrl (params: Record<string, string>): URL {
  const url = new URL('/v2/logout', idp.base)
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  return url
}

describe('IdP session', () => {
  it('a signed-in browser gets a code again without the login page (single sign-on)', async () => {
    const { browser } = await loginAs(idp, PERSONAS.user)
    expect(browser.cookie(idp.base, '_session')).toBeDefined()
    expect(await authorizeAgain(browser)).toBe('code')
  })
})

describe('GET /v2/logout (Auth0 shape)', () => {
  it('with a registered returnTo: redirects there and ends the session (the next /authorize asks to log in)', async () => {
    const { browser } = await loginAs(idp, PERSONAS.mod)
    const res = await browser.request(logoutUrl({ client_id: CLIENT_ID, returnTo: POST_LOGOUT_URI }))
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(POST_LOGOUT_URI)
    expect(browser.cookie(idp.base, '_session')).toBeUndefined()
    expect(await authorizeAgain(browser)).toBe('login-page')
  })

  it('the old session cookie is dead server-side too (replaying it does not sign in)', async () => {
    const { browser } = await loginAs(idp, PERSONAS.user)
    const saved = browser.cookieNames(idp.base).filter((name) => name.startsWith('_session'))
      .map((name) => [name, browser.cookie(idp.base, name) ?? ''] as const)
    await browser.request(logoutUrl({ client_id: CLIENT_ID, returnTo: POST_LOGOUT_URI }))
    const replay = new OidcBrowser()
    for (const [name, value] of saved) replay.setCookie(idp.base, name, value)
    expect(replay.cookie(idp.base, '_session')).toBeDefined()
    expect(await authorizeAgain(replay)).toBe('login-page')
  })

  it('an unregistered returnTo → 400, no redirect, and the session survives', async () => {
    const { browser } = await loginAs(idp, PERSONAS.user)
    for (const returnTo of ['http://localhost:9080/elsewhere', 'http://evil.invalid/productpage', REDIRECT_URI]) {
      const res = await browser.request(logoutUrl({ client_id: CLIENT_ID, returnTo }))
      expect(res.status).toBe(400)
      expect(res.headers.get('location')).toBeNull()
    }
    expect(await authorizeAgain(browser)).toBe('code')
  })

  it('an unknown client_id → 400', async () => {
    const res = await fetch(logoutUrl({ client_id: 'nope', returnTo: POST_LOGOUT_URI }), { redirect: 'manual' })
    expect(res.status).toBe(400)
  })

  it('without client_id the tenant-wide list applies; without returnTo a plain page', async () => {
    const withReturn = await fetch(logoutUrl({ returnTo: POST_LOGOUT_URI }), { redirect: 'manual' })
    expect(withReturn.status).toBe(302)
    const bare = await fetch(logoutUrl({}), { redirect: 'manual' })
    expect(bare.status).toBe(200)
    expect(await bare.text()).toContain('logged out')
  })

  it('the 400 page does not reflect returnTo', async () => {
    const res = await fetch(logoutUrl({ client_id: CLIENT_ID, returnTo: 'http://x/<script>' }), { redirect: 'manual' })
    expect(res.status).toBe(400)
    expect(await res.text()).not.toContain('<script>')
  })

  it('405 for other methods', async () => {
    const res = await fetch(logoutUrl({}), { method: 'POST' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET')
  })
})

describe('OIDC RP-initiated logout at /oidc/logout', () => {
  it('shows a confirmation form; confirming ends the session and returns to the registered URI', async () => {
    const { browser } = await loginAs(idp, PERSONAS.jason)
    const start = new URL('/oidc/logout', idp.base)
    start.searchParams.set('client_id', CLIENT_ID)
    start.searchParams.set('post_logout_redirect_uri', POST_LOGOUT_URI)
    const page = await browser.request(start)
    expect(page.status).toBe(200)
    const html = page.body
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1]
    expect(action).toBeDefined()
    expect(xsrf).toBeDefined()
    const confirm = await browser.post(new URL(action as string, idp.base), { xsrf: xsrf as string, logout: 'yes' })
    expect(confirm.status).toBe(303)
    expect(confirm.headers.get('location')).toBe(POST_LOGOUT_URI)
    expect(await authorizeAgain(browser)).toBe('login-page')
  })
})
