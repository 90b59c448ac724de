import { setTimeout as sleep } from 'node:timers/promises'
import { OidcBrowser, formOf, type Page } from '@bookinfo/test-helpers/oidc-browser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PERSONAS, authorizeUrl, callbackParams, postForm, startIdp, type RunningIdp } from './fixture.ts'

// Small limits and a short window so the suite sees a whole window pass; the defaults are 10, 50 and 300 s.
const PER_ACCOUNT = 4
const PER_IP = 7
const WINDOW_S = 3

let idp: RunningIdp

beforeAll(async () => {
  idp = await startIdp({
    IDP_LOGIN_FAILURES_PER_ACCOUNT: String(PER_ACCOUNT),
    IDP_LOGIN_FAILURES_PER_IP: String(PER_IP),
    IDP_LOGIN_WINDOW_SECONDS: String(WINDOW_S),
    // One proxy in front: X-Forwarded-For's last address is the client (the suite plays many clients with it).
    IDP_TRUST_PROXY_HOPS: '1',
  })
})

afterAll(async () => {
  await idp?.proc.stop()
})

/** A browser at the login form, its posts coming from `ip` (through the one trusted proxy). */
async function loginForm (ip: string): Promise<{ browser: OidcBrowser, action: URL, post: (form: Record<string, string>) => Promise<Page> }> {
  const browser = new OidcBrowser()
  const { page } = await browser.navigateWithin(authorizeUrl(idp).url, idp.base)
  const action = formOf(page).action
  const post = async (form: Record<string, string>) => (await browser.navigateWithin(action, idp.base, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
    body: new URLSearchParams(form).toString(),
  })).page
  return { browser, action, post }
}

/** Waits out the window the IdP named in Retry-After. */
async function waitOut (page: Page): Promise<void> {
  const seconds = Number(page.headers.get('retry-after'))
  expect(seconds).toBeGreaterThan(0)
  expect(seconds).toBeLessThanOrEqual(WINDOW_S)
  await sleep(seconds * 1000 + 250)
}

describe('brute force on the password form (a bounded attack on loopback)', () => {
  it('one account from many addresses: blocked after the account\'s limit, even with the right password; open again after the window', async () => {
    const victim = PERSONAS.mod
    const statuses: number[] = []
    for (let i = 0; i < PER_ACCOUNT + 3; i++) {
      const { post } = await loginForm(`198.51.100.${i + 1}`)
      statuses.push((await post({ username: victim.login, password: `guess-${i}` })).status)
    }
    expect(statuses).toEqual([...Array(PER_ACCOUNT).fill(401), 429, 429, 429])

    // Blocked: the right password is not even checked (a guesser learns nothing), and the page says when to retry.
    const { post } = await loginForm('198.51.100.200')
    const blocked = await post({ username: victim.login, password: victim.password })
    expect(blocked.status).toBe(429)
    expect(blocked.body).toContain('Too many failed logins')
    expect(blocked.headers.get('location')).toBeNull()
    expect(blocked.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")

    // Another account is not affected.
    const other = await loginForm('198.51.100.201')
    expect(callbackParams(await postForm(other.browser, other.action, idp, { username: PERSONAS.user.login, password: PERSONAS.user.password })).get('code')).toBeTruthy()

    // Not locked out for good: once the window passes, the legitimate user signs in.
    await waitOut(blocked)
    const again = await loginForm('198.51.100.202')
    const done = await postForm(again.browser, again.action, idp, { username: victim.login, password: victim.password })
    expect(callbackParams(done).get('code')).toBeTruthy()
  })

  it('one address spraying many accounts: blocked after the address\'s limit; other addresses still sign in; open again after the window', async () => {
    const attacker = '203.0.113.66'
    const statuses: number[] = []
    for (let i = 0; i < PER_IP + 2; i++) {
      const { post } = await loginForm(attacker)
      statuses.push((await post({ username: `nobody-${i}@bookinfo.com`, password: 'password1' })).status)
    }
    expect(statuses).toEqual([...Array(PER_IP).fill(401), 429, 429])

    const bystander = await loginForm('203.0.113.1')
    expect(callbackParams(await postForm(bystander.browser, bystander.action, idp, { username: PERSONAS.jason.login, password: PERSONAS.jason.password })).get('code')).toBeTruthy()

    const { post } = await loginForm(attacker)
    const blocked = await post({ username: PERSONAS.user.login, password: PERSONAS.user.password })
    expect(blocked.status).toBe(429)
    await waitOut(blocked)
    const later = await loginForm(attacker)
    expect((await later.post({ username: PERSONAS.user.login, password: PERSONAS.user.password })).status).toBe(303)
  })

  it('right passwords never count: many sign-ins from one address (a load generator) are never limited', async () => {
    for (let i = 0; i < PER_IP + PER_ACCOUNT + 2; i++) {
      const form = await loginForm('192.0.2.10')
      const done = await postForm(form.browser, form.action, idp, { username: PERSONAS.user.login, password: PERSONAS.user.password })
      expect(callbackParams(done).get('code')).toBeTruthy()
    }
  })

  it('X-Forwarded-For is read only as far as the configured hops: a client cannot pick its address', async () => {
    // With one trusted hop, the address is the LAST entry (what the proxy appended), whatever the client put before it.
    for (let i = 0; i < PER_IP; i++) {
      const { post } = await loginForm(`10.0.0.${i}, 192.0.2.77`)
      expect((await post({ username: `spray-${i}@bookinfo.com`, password: 'x' })).status).toBe(401)
    }
    const { post } = await loginForm('10.9.9.9, 192.0.2.77')
    expect((await post({ username: 'one-more@bookinfo.com', password: 'x' })).status).toBe(429)
  })
})
