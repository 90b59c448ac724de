import { createHash } from 'node:crypto'
import { OidcBrowser } from '@bookinfo/test-helpers/oidc-browser'
import { rawExchange } from '@bookinfo/test-helpers/hostile-wire'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectSecurityHeaders } from './security-headers.ts'
import { CLIENT_ID, POST_LOGOUT_URI, authorizeUrl, loginAs, PERSONAS, startIdp, type RunningIdp } from './fixture.ts'

let idp: RunningIdp

beforeAll(async () => {
  idp = await startIdp()
})

afterAll(async () => {
  await idp?.proc.stop()
})

/** Every HTML page a browser can meet at the IdP, and how to get there. */
const PAGES: Array<[string, () => Promise<Response>]> = [
  ['the login form', async () => new OidcBrowser().navigateWithin(authorizeUrl(idp).url, idp.base).then(({ page }) => new Response(page.body, { status: page.status, headers: page.headers }))],
  ['an authorize error (unknown client)', () => fetch(new URL('/authorize?client_id=nope&response_type=code', idp.base), { redirect: 'manual' })],
  ['an unknown interaction', () => fetch(new URL('/interaction/AAAAAAAAAAAAAAAAAAAAA', idp.base))],
  ['a 404 under /interaction', () => fetch(new URL('/interaction/a/b/c', idp.base))],
  ['a 405', () => fetch(new URL('/v2/logout', idp.base), { method: 'POST' })],
  ['the logged-out page', () => fetch(new URL('/v2/logout', idp.base))],
  ['a refused returnTo', () => fetch(new URL(`/v2/logout?client_id=${CLIENT_ID}&returnTo=http://evil.invalid/`, idp.base), { redirect: 'manual' })],
  ['the RP-initiated logout (auto-submitted without a session)', () => fetch(new URL(`/oidc/logout?client_id=${CLIENT_ID}&post_logout_redirect_uri=${encodeURIComponent(POST_LOGOUT_URI)}`, idp.base))],
]

describe('security headers on every HTML page of the IdP', () => {
  it.each(PAGES)('%s: CSP without unsafe-inline, frame-ancestors none, X-Frame-Options DENY, nosniff, no-referrer', async (_name, open) => {
    const res = await open()
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expectSecurityHeaders(res)
    const html = await res.text()
    const csp = res.headers.get('content-security-policy') as string
    const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`
    // The inline stylesheet or script the page has is the one the CSP allows by hash (else the browser drops it).
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1]
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1]
    expect(style !== undefined || script !== undefined).toBe(true)
    if (style !== undefined) expect(/style-src ([^;]+)/.exec(csp)?.[1]).toBe(sha(style))
    if (script !== undefined) expect(/script-src ([^;]+)/.exec(csp)?.[1]).toBe(`'self' ${sha(script)}`)
  })

  it('form-action names ourselves and exactly the registered clients\' origins (the login POST ends at their callback)', async () => {
    const res = await fetch(new URL('/health', idp.base))
    const csp = res.headers.get('content-security-policy') as string
    expect(/form-action ([^;]+)/.exec(csp)?.[1]).toBe("'self' http://localhost:9080 http://127.0.0.1:18080")
  })

  it('the redirects of a whole login carry no Referer-leaking policy gaps: every answer has the headers', async () => {
    const { browser } = await loginAs(idp, PERSONAS.user)
    expect(browser.history.length).toBeGreaterThan(2)
    for (const page of browser.history.filter((p) => p.url.origin === new URL(idp.base).origin)) {
      expect(page.headers.get('referrer-policy'), page.url.pathname).toBe('no-referrer')
      expect(page.headers.get('x-frame-options'), page.url.pathname).toBe('DENY')
    }
  })

  it('cookies are HttpOnly and SameSite=Lax, and Secure when the request came over TLS (X-Forwarded-Proto from the ingress)', async () => {
    for (const [proto, secure] of [['https', true], [undefined, false]] as const) {
      const res = await fetch(authorizeUrl(idp).url, { redirect: 'manual', headers: proto === undefined ? {} : { 'x-forwarded-proto': proto } })
      const cookies = res.headers.getSetCookie()
      expect(cookies.length).toBeGreaterThan(0)
      for (const cookie of cookies) {
        expect(cookie).toMatch(/; httponly/i)
        expect(cookie).toMatch(/; samesite=lax/i)
        expect(/; secure/i.test(cookie)).toBe(secure)
      }
    }
  })

  it('X-Forwarded-Proto/-Host that no proxy of ours would send are ignored: no 500, no form target on another host (regression)', async () => {
    const logout = new URL(`/oidc/logout?client_id=${CLIENT_ID}&post_logout_redirect_uri=${encodeURIComponent(POST_LOGOUT_URI)}`, idp.base)
    for (const headers of [{ 'x-forwarded-proto': 'localhost:9080@evil.invalid' }, { 'x-forwarded-proto': 'gopher' }, { 'x-forwarded-host': 'evil.invalid' }] as Array<Record<string, string>>) {
      const res = await fetch(logout, { headers })
      expect(res.status, JSON.stringify(headers)).toBe(200)
      const action = /<form method="post" action="([^"]+)"/.exec(await res.text())?.[1] as string
      expect(new URL(action).host).toBe(new URL(idp.base).host)
    }
  })

  it.each(['///', '//evil.invalid/x', '/\\evil.invalid', 'http://evil.invalid/authorize', '*'])('the request target %s is a 400 page or a plain answer, never a 500 (regression)', async (target) => {
    const res = await rawExchange(Number(new URL(idp.base).port), Buffer.from(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, 'latin1'))
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
    expect(res.headers.location).toBeUndefined()
  })
})
