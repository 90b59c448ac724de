import { startService, type ManagedProcess } from '@bookinfo/test-helpers'
import { OidcBrowser } from '@bookinfo/test-helpers/oidc-browser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CLIENT_SECRET, PERSONAS, PRODUCTPAGE_SERVER, SESSION_SECRET, bearerOf, oidcEnv, reserveOrigin, startBackends, startIdp,
  type Backends, type RunningIdp,
} from './oidc-fixture.ts'

const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/

let idp: RunningIdp
let backends: Backends
let pp: ManagedProcess
let origin: string
const browser = new OidcBrowser()
/** Every credential seen during the scenario: none may show up in a log or a page. */
const secrets = new Map<string, string>()

beforeAll(async () => {
  backends = await startBackends()
  const reserved = await reserveOrigin()
  origin = reserved.origin
  idp = await startIdp([origin])
  // productpage as a real process, logging everything down to debug as JSON.
  pp = await startService(PRODUCTPAGE_SERVER, {
    ...oidcEnv(idp, origin, backends),
    PORT: String(reserved.port),
    LOG_LEVEL: 'debug',
  })
  secrets.set('client secret', CLIENT_SECRET)
  secrets.set('session secret', SESSION_SECRET)

  // A sign-in, watched step by step.
  const login = await browser.request(`${origin}/login`)
  const authorize = new URL(login.headers.get('location') as string)
  secrets.set('state', authorize.searchParams.get('state') as string)
  secrets.set('nonce', authorize.searchParams.get('nonce') as string)
  secrets.set('PKCE challenge', authorize.searchParams.get('code_challenge') as string)
  secrets.set('pre-login session cookie', browser.cookie(origin, 'session') as string)
  secrets.set('PKCE verifier cookie', browser.cookie(origin, 'oauth2-code-verifier') as string)
  const { page } = await browser.signIn(authorize, PERSONAS.mod, { stopBefore: (next) => next.pathname === '/callback' })
  const callback = new URL(page.headers.get('location') as string)
  secrets.set('authorization code', callback.searchParams.get('code') as string)
  const done = await browser.navigate(callback)
  expect(done.page.body).toContain('moderator')
  secrets.set('session cookie', browser.cookie(origin, 'session') as string)

  // Page views, an API call, a replayed callback (refused), then sign-out.
  for (let i = 0; i < 3; i++) await browser.request(`${origin}/productpage`)
  await browser.request(`${origin}/api/v1/products/0/reviews`)
  secrets.set('access token', bearerOf(backends.details) as string)
  expect((await browser.request(callback)).status).toBe(400)
  await browser.signOut(`${origin}/logout`)
  // Let the last log lines reach the pipes.
  await new Promise((resolve) => setTimeout(resolve, 200))
}, 60_000)

afterAll(async () => {
  await pp?.stop()
  await idp?.stop()
  await backends?.close()
})

function sessionIds (): string[] {
  return ['pre-login session cookie', 'session cookie'].map((name) => {
    const cookie = secrets.get(name) as string
    return cookie.slice(0, cookie.lastIndexOf('.'))
  })
}

describe('no credential in logs or pages, over a login, page views and a logout', () => {
  it('the scenario produced every credential it checks for', () => {
    for (const [name, value] of secrets) expect(value, name).toMatch(/^\S{8,}$/)
    expect(secrets.get('access token')).toMatch(JWT)
  })

  it('productpage\'s log has request lines but no JWT, session id, cookie, code, state, nonce or secret', () => {
    const log = pp.output()
    expect(log).toContain('"url":"/callback?')
    expect(log).toContain('signed in')
    expect(log).not.toMatch(JWT)
    for (const [name, value] of secrets) expect(log.includes(value), name).toBe(false)
    for (const id of sessionIds()) expect(log.includes(id)).toBe(false)
  })

  it('the IdP\'s log has none of them either', () => {
    const log = idp.proc.output()
    expect(log.length).toBeGreaterThan(0)
    expect(log).not.toMatch(JWT)
    for (const [name, value] of secrets) expect(log.includes(value), name).toBe(false)
    for (const id of sessionIds()) expect(log.includes(id)).toBe(false)
  })

  it('no page the browser received (HTML or redirect) carries a token, a session id or a secret', () => {
    expect(browser.history.length).toBeGreaterThan(8)
    for (const page of browser.history) {
      const shown = `${page.body}\n${page.headers.get('location') ?? ''}`
      expect(shown).not.toMatch(JWT)
      for (const name of ['client secret', 'session secret', 'access token']) {
        expect(shown.includes(secrets.get(name) as string), `${name} in ${page.url.href}`).toBe(false)
      }
      for (const id of sessionIds()) expect(page.body.includes(id)).toBe(false)
    }
  })
})
