import { randomBytes } from 'node:crypto'
import { startTestServer, type TestServer } from '@bookinfo/test-helpers'
import { checkHostile, expectNoEcho, fc, hostileCookie, hostileQuery, secretValue, wireHeaders } from '@bookinfo/test-helpers/hostile'
import { createTokenIssuer, hostileTokens, type TokenAttack, type TokenIssuer } from '@bookinfo/test-helpers/hostile-tokens'
import { OidcBrowser } from '@bookinfo/test-helpers/oidc-browser'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { configFromEnv } from '../src/config.ts'
import {
  CLIENT_ID, CLIENT_SECRET, PERSONAS, SESSION_SECRET, closedBackendsEnv, oidcEnv, reserveOrigin, startBackends, startIdp, startProductpage,
  type Backends, type RunningIdp, type RunningProductpage,
} from './oidc-fixture.ts'

/** `name=value` of every cookie an answer sets (expired ones too: a browser would send nothing for those). */
function setCookies (res: LightMyRequestResponse): string[] {
  return res.cookies.filter((c) => c.value !== '').map((c) => `${c.name}=${c.value}`)
}

/** True when the page with these cookies greets a signed-in user. */
async function signedIn (app: FastifyInstance, cookie: string): Promise<boolean> {
  const page = await app.inject({ url: '/productpage', headers: { cookie } })
  return page.body.includes('sign out')
}

describe('OIDC session paths against the real IdP: /login, /callback, /logout with hostile queries, headers and cookies', () => {
  let idp: RunningIdp
  let backends: Backends
  let pp: RunningProductpage
  let real: string[]
  let signedInCookie: string

  beforeAll(async () => {
    backends = await startBackends()
    const a = await reserveOrigin()
    idp = await startIdp([a.origin])
    // No rate limit here: the property sends hundreds of sign-in requests from one address.
    pp = await startProductpage(a.port, oidcEnv(idp, a.origin, backends, { LOGIN_RATE_LIMIT: '0' }))
    // Real cookies to forge from: a pending login's, and a signed-in user's (someone else's session).
    const pending = await pp.app.inject({ url: '/login' })
    const browser = new OidcBrowser()
    await browser.signIn(`${pp.origin}/login`, PERSONAS.user)
    signedInCookie = `session=${browser.cookie(pp.origin, 'session') ?? ''}`
    real = [...setCookies(pending), signedInCookie]
  })

  afterAll(async () => {
    await pp?.close()
    await idp?.stop()
    await backends?.close()
  })

  it('redirects only to the IdP\'s authorize or logout endpoint (with our own callback and return URLs) or to /productpage; never a 5xx, a secret echoed, or a signed-in session', async () => {
    const authorize = `${idp.issuer}authorize?`
    const logout = `${idp.issuer}oidc/logout?`
    const request = fc.record({
      path: fc.constantFrom('/login', '/callback', '/logout'),
      query: hostileQuery(),
      headers: wireHeaders(['referer', 'origin', 'host', 'x-forwarded-host', 'x-forwarded-proto', 'sec-fetch-site', 'x-forwarded-for']),
      cookie: fc.option(hostileCookie(real, ['session', 'oauth2-code-verifier', 'oauth2-redirect-state']), { nil: undefined }),
      secret: secretValue(),
    })
    await checkHostile('productpage OIDC: sign-in routes', request, async ({ path, query, headers, cookie, secret }) => {
      const url = `${path}?${query}${query === '' ? '' : '&'}error_description=${secret}`
      const res = await pp.app.inject({ url, headers: { ...headers, ...(cookie === undefined ? {} : { cookie }) } })
      expect(res.statusCode, url.slice(0, 200)).toBeLessThan(500)
      expectNoEcho({ body: res.body, headers: res.headers }, [secret, CLIENT_SECRET, SESSION_SECRET])
      const location = res.headers.location
      if (location !== undefined) {
        const to = String(location)
        const allowed = to === '/productpage' || to.startsWith(authorize) || to.startsWith(logout)
        expect(allowed, `${url.slice(0, 120)} → ${to.slice(0, 200)}`).toBe(true)
        const params = to.startsWith('/') ? undefined : new URL(to).searchParams
        if (to.startsWith(authorize)) expect(params?.get('redirect_uri')).toBe(`${pp.origin}/callback`)
        if (to.startsWith(logout)) expect(params?.get('post_logout_redirect_uri')).toBe(`${pp.origin}/productpage`)
      }
      // Whatever session this request made, a hostile request alone signs nobody in (a signed-in id it carried
      // stays what it was: /login on a signed-in session keeps its id).
      const made = setCookies(res).filter((c) => c.startsWith('session=') && c !== signedInCookie)
      for (const c of made) expect(await signedIn(pp.app, c)).toBe(false)
    }, { runs: 300 })
  })

  it('a session id planted by an attacker (fixation) is not the one the victim signs in with', async () => {
    const attacker = new OidcBrowser()
    await attacker.request(`${pp.origin}/login`)
    const planted = attacker.cookie(pp.origin, 'session') as string
    const victim = new OidcBrowser()
    victim.setCookie(pp.origin, 'session', planted)
    const { page } = await victim.signIn(`${pp.origin}/login`, PERSONAS.mod)
    expect(page.body).toContain('sign out')
    expect(victim.cookie(pp.origin, 'session')).not.toBe(planted)
    // The attacker's copy of the planted id is worth nothing.
    expect((await attacker.request(`${pp.origin}/productpage`)).body).toContain('>Sign in</a>')
  })

  it('PKCE under mix-up: this browser\'s state with another login\'s verifier cookie → the IdP refuses the code (400), no session', async () => {
    const verifierOf = (b: OidcBrowser) => b.cookieNames(pp.origin).filter((n) => n.includes('verifier')).map((n) => [n, b.cookie(pp.origin, n) ?? ''] as const)
    const other = new OidcBrowser()
    await other.request(`${pp.origin}/login`)
    const browser = new OidcBrowser()
    const { page } = await browser.signIn(`${pp.origin}/login`, PERSONAS.user, { stopBefore: (next) => next.pathname === '/callback' })
    const callback = new URL(page.headers.get('location') as string)
    expect(verifierOf(other)).toHaveLength(1)
    for (const [name, value] of verifierOf(other)) browser.setCookie(pp.origin, name, value)
    const res = await browser.request(callback)
    expect(res.status).toBe(400)
    expect(res.body).toContain('did not accept')
    expect((await browser.request(`${pp.origin}/productpage`)).body).toContain('>Sign in</a>')
  })
})

describe('forged ID tokens at /callback (an IdP, real on loopback, answering with each forgery)', () => {
  let idp: TestServer
  let issuer: TokenIssuer
  let app: FastifyInstance
  let next: string | undefined

  beforeAll(async () => {
    idp = await startTestServer((req, res) => {
      const base = `http://127.0.0.1:${idp.port}/`
      res.setHeader('content-type', 'application/json')
      if (req.url?.startsWith('/.well-known/openid-configuration') === true) {
        res.end(JSON.stringify({ issuer: base, authorization_endpoint: `${base}authorize`, token_endpoint: `${base}oauth/token`, jwks_uri: `${base}.well-known/jwks.json`, id_token_signing_alg_values_supported: ['RS256'] }))
      } else if (req.url === '/.well-known/jwks.json') {
        res.end(JSON.stringify({ keys: [issuer.publicJwk] }))
      } else if (req.url === '/oauth/token') {
        req.resume()
        res.end(JSON.stringify({ access_token: `at-${randomBytes(16).toString('hex')}`, token_type: 'Bearer', expires_in: 300, id_token: next }))
      } else {
        res.statusCode = 404
        res.end('{}')
      }
    })
    issuer = await createTokenIssuer(`http://127.0.0.1:${idp.port}/`)
    const env = {
      OIDC_ISSUER: issuer.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_CALLBACK_URL: 'http://localhost:9080/callback',
      SESSION_SECRET,
      LOGIN_RATE_LIMIT: '0',
      ...(await closedBackendsEnv()),
    }
    app = await buildApp(configFromEnv(env).config, undefined, { discovery: { initialBackoffMs: 20 } })
  })

  afterAll(async () => {
    await app?.close()
    await idp?.close()
  })

  /** Starts a login, lets the IdP answer with `idToken(nonce)`, and returns the callback's answer and cookies. */
  async function callbackWith (idToken: (nonce: string) => Promise<string>): Promise<{ res: LightMyRequestResponse, cookie: string, token: string }> {
    const login = await app.inject({ url: '/login' })
    const params = new URL(String(login.headers.location)).searchParams
    const token = await idToken(params.get('nonce') as string)
    next = token
    const cookie = setCookies(login).join('; ')
    const res = await app.inject({ url: `/callback?code=c0de&state=${params.get('state') ?? ''}`, headers: { cookie } })
    return { res, cookie: [...setCookies(res), cookie].join('; '), token }
  }

  const claims = (nonce: string) => ({ sub: 'auth0|forger', aud: CLIENT_ID, nonce, nickname: 'forger' })

  it('control: a genuine ID token signs in', async () => {
    const { res } = await callbackWith((nonce) => issuer.sign(claims(nonce)))
    expect(res.statusCode).toBe(302)
    expect(res.headers.location).toBe('/productpage')
    expect(await signedIn(app, setCookies(res).filter((c) => c.startsWith('session=')).at(-1) as string)).toBe(true)
  })

  it('every forgery (and a wrong nonce, another azp, iat in the future) → the 502 "could not be verified" page, no session, the token never echoed', async () => {
    const local = fc.constantFrom<TokenAttack>(
      { attack: 'another login\'s nonce', forge: async (c) => issuer.sign({ ...c, nonce: 'not-this-login' }) },
      { attack: 'no nonce', forge: async ({ nonce: _n, ...c }) => issuer.sign(c) },
      { attack: 'azp of another client', forge: async (c) => issuer.sign({ ...c, azp: 'another-client' }) },
      { attack: 'iat in the future', forge: async (c) => issuer.sign({ ...c, iat: Math.floor(Date.now() / 1000) + 3600, exp: Math.floor(Date.now() / 1000) + 7200 }) }
    )
    const attacks = fc.oneof(await hostileTokens(issuer, CLIENT_ID), local)
    await checkHostile('productpage OIDC: forged ID tokens', attacks, async (attack) => {
      const { res, cookie, token } = await callbackWith((nonce) => attack.forge(claims(nonce)))
      expect(res.statusCode, attack.attack).toBe(502)
      expect(res.body).toContain('could not be verified')
      expectNoEcho({ body: res.body, headers: res.headers }, [token])
      expect(await signedIn(app, cookie)).toBe(false)
    }, { runs: 150 })
  })
})
