import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getFreePort } from '@bookinfo/test-helpers'
import { OidcBrowser, formOf } from '@bookinfo/test-helpers/oidc-browser'
import { checkHostile, expectNoEcho, fc, hostileRequest } from '@bookinfo/test-helpers/hostile'
import { checkHostileTokens, createTokenIssuer, type TokenIssuer } from '@bookinfo/test-helpers/hostile-tokens'
import { hostileRequestBytes, rawExchange } from '@bookinfo/test-helpers/hostile-wire'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectSecurityHeaders } from './security-headers.ts'
import { API, CLIENT_ID, CLIENT_SECRET, PERSONAS, POST_LOGOUT_URI, REDIRECT_URI, authorizeUrl, startIdp, type RunningIdp } from './fixture.ts'

let idp: RunningIdp
let port: number
let issuer: TokenIssuer
/** A real interaction uid and its cookies, so hostile forms reach the password check. */
let interaction: { action: string, cookie: string }

const PATHS = [
  '/.well-known/openid-configuration', '/.well-known/jwks.json', '/authorize', '/authorize/abc', '/oauth/token', '/oauth/revoke',
  '/oauth/par', '/userinfo', '/v2/logout', '/oidc/logout', '/oidc/logout/confirm', '/interaction/abc', '/interaction/abc/login', '/health',
]

/** A fetch answer's headers as a plain record. */
function headersOf (res: Response): Record<string, string> {
  const out: Record<string, string> = {}
  res.headers.forEach((value, name) => { out[name] = value })
  return out
}

beforeAll(async () => {
  // The IdP signs with a key this suite holds, so forged tokens can be tried against a genuine one.
  port = await getFreePort()
  issuer = await createTokenIssuer(`http://localhost:${port}/`, 'hostile-idp-key')
  const keysFile = join(await mkdtemp(join(tmpdir(), 'idp-keys-')), 'jwks.json')
  await writeFile(keysFile, JSON.stringify({ keys: [issuer.privateJwk] }))
  idp = await startIdp({ IDP_PORT: String(port), IDP_KEYS_FILE: keysFile, IDP_LOGIN_FAILURES_PER_ACCOUNT: '0', IDP_LOGIN_FAILURES_PER_IP: '0' })
  const browser = new OidcBrowser()
  const { page } = await browser.navigateWithin(authorizeUrl(idp).url, idp.base)
  interaction = {
    action: formOf(page).action.pathname,
    cookie: browser.cookieNames(idp.base).map((name) => `${name}=${browser.cookie(idp.base, name) ?? ''}`).join('; '),
  }
})

afterAll(async () => {
  await idp?.proc.stop()
})

describe('hostile input against the dev IdP (a real process, raw sockets)', () => {
  it('any method, path, query, header, cookie or body: never a 5xx, no hang, no secret echoed, every HTML page with the security headers', async () => {
    await checkHostile('dev IdP: any request', hostileRequest({ paths: PATHS }), async (req) => {
      const res = await rawExchange(port, hostileRequestBytes(req))
      expect(res.status, `${req.method} ${req.url.slice(0, 200)}`).toBeGreaterThan(0)
      expect(res.status, `${req.method} ${req.url.slice(0, 200)}`).toBeLessThan(500)
      expectNoEcho(res, [req.secret, CLIENT_SECRET])
      if (res.headers['content-type']?.startsWith('text/html') === true) expectSecurityHeaders(res)
    }, { runs: 300 })
    expect(idp.proc.child.exitCode).toBeNull()
  })

  it('the password form with hostile fields: 401 (or 400/413), never a session, never the password echoed', async () => {
    const field = fc.oneof(fc.string({ maxLength: 64 }), fc.string({ unit: 'binary', maxLength: 64 }), fc.constantFrom('', PERSONAS.user.login, `${PERSONAS.user.login}\u0000`, ` ${PERSONAS.user.login.toUpperCase()} `, '%00', 'a'.repeat(15_000)))
    const form = fc.record({ username: field, password: fc.oneof(field, fc.constant(PERSONAS.user.password)), extra: fc.constantFrom('', '&username=jason', '&password=x&password=y', '&email=user@bookinfo.com') })
      .filter(({ username, password }) => !(username.trim().toLowerCase() === PERSONAS.user.login && password === PERSONAS.user.password))
    await checkHostile('dev IdP: password form fields', form, async ({ username, password, extra }) => {
      const body = `${new URLSearchParams({ username, password }).toString()}${extra}`
      const bytes = Buffer.from(`POST ${interaction.action} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${interaction.cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`, 'utf8')
      const res = await rawExchange(port, bytes)
      expect([400, 401, 413]).toContain(res.status)
      expect(res.headers.location).toBeUndefined()
      expect(res.headers['set-cookie'] ?? '').not.toContain('_session=')
      // (The login typed is shown back in the form, as a login page does: only a password that is not also the login counts.)
      if (!username.includes(password)) expectNoEcho(res, [password])
      expectSecurityHeaders(res)
    }, { runs: 200 })
  })

  it('/oauth/token with hostile forms and client credentials: 4xx, never a token, never the secret echoed', async () => {
    const grant = fc.record({
      grant_type: fc.constantFrom('authorization_code', 'refresh_token', 'client_credentials', 'password', 'urn:ietf:params:oauth:grant-type:jwt-bearer', '', 'x'),
      code: fc.oneof(fc.string({ maxLength: 80 }), fc.constant('a'.repeat(5000))),
      redirect_uri: fc.constantFrom(REDIRECT_URI, 'http://evil.invalid/callback', ''),
      code_verifier: fc.string({ maxLength: 130 }),
      auth: fc.constantFrom(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`, `Basic ${Buffer.from(`${CLIENT_ID}:wrong`).toString('base64')}`, 'Basic !!!', 'Bearer x', ''),
    })
    await checkHostile('dev IdP: token endpoint', grant, async ({ auth, ...form }) => {
      const res = await fetch(new URL('/oauth/token', idp.base), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth === '' ? {} : { authorization: auth }) },
        body: new URLSearchParams(form),
      })
      const text = await res.text()
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
      expect(text).not.toContain('access_token')
      expectNoEcho({ body: text, headers: headersOf(res) }, [CLIENT_SECRET])
    }, { runs: 150 })
  })

  it('/userinfo: forged access tokens get 401/403, a genuine one the claims', async () => {
    await checkHostileTokens({
      name: 'dev IdP: forged tokens at /userinfo',
      issuer,
      audience: `${idp.issuer}userinfo`,
      header: { typ: 'at+jwt' },
      claims: { sub: 'auth0|bookinfo-user', scope: 'openid profile email', client_id: CLIENT_ID, aud: [API, `${idp.issuer}userinfo`] },
      send: async ({ headers, query }) => {
        const res = await fetch(new URL(`/userinfo${query === '' ? '' : `?${query}`}`, idp.base), { headers })
        return { status: res.status, body: await res.text(), headers: headersOf(res) }
      },
      runs: 200,
    })
  })
})

/** Variants of a registered URL an attacker hopes a prefix or loose match would accept. */
const nearMiss = (url: string): fc.Arbitrary<string> => {
  const u = new URL(url)
  return fc.oneof(
    fc.constantFrom(`${url}.evil.invalid`, `${url}/../../evil`, `${url}?next=http://evil.invalid`, `${url}#x`, `${url}/`, `${url} `, ` ${url}`,
      url.toUpperCase(), url.replace('http:', 'https:'), url.replace(u.host, `${u.host}@evil.invalid`), url.replace(u.host, `evil.invalid#${u.host}`),
      url.replace(u.host, `${u.hostname}:1`), url.replace('//', '/\\'), url.replace('http://', '//'), `javascript:alert(1)//${url}`, 'http://evil.invalid/',
      `data:text/html,<a href="${url}">`, encodeURIComponent(url), url.replace('/productpage', '/%70roductpage'), url.replace('/callback', '/%63allback')),
    fc.string({ maxLength: 20 }).map((tail) => `${url}${tail}`)
  )
}

describe('redirects out of the IdP go only to registered URLs', () => {
  it('/v2/logout: returnTo is followed only when it is exactly an allowed logout URL', async () => {
    await checkHostile('dev IdP: /v2/logout returnTo', fc.tuple(nearMiss(POST_LOGOUT_URI), fc.constantFrom(CLIENT_ID, '')), async ([returnTo, clientId]) => {
      const url = new URL('/v2/logout', idp.base)
      url.searchParams.set('returnTo', returnTo)
      if (clientId !== '') url.searchParams.set('client_id', clientId)
      const res = await fetch(url, { redirect: 'manual' })
      if (res.status === 302) expect(res.headers.get('location')).toBe(POST_LOGOUT_URI)
      else expect(res.status).toBe(400)
      if (returnTo !== POST_LOGOUT_URI) expect(res.status).toBe(400)
      await res.arrayBuffer()
    }, { runs: 150 })
  })

  it('/oidc/logout and /authorize: never a redirect to an unregistered URL', async () => {
    const target = fc.oneof(nearMiss(POST_LOGOUT_URI).map((u) => ['/oidc/logout', u] as const), nearMiss(REDIRECT_URI).map((u) => ['/authorize', u] as const))
    await checkHostile('dev IdP: post_logout_redirect_uri and redirect_uri', target, async ([path, uri]) => {
      const url = path === '/authorize' ? authorizeUrl(idp, { redirectUri: uri }).url : new URL(path, idp.base)
      if (path === '/oidc/logout') {
        url.searchParams.set('client_id', CLIENT_ID)
        url.searchParams.set('post_logout_redirect_uri', uri)
      }
      const res = await fetch(url, { redirect: 'manual' })
      const location = res.headers.get('location')
      if (location !== null && !location.startsWith('/')) {
        expect([POST_LOGOUT_URI, REDIRECT_URI].some((allowed) => location === allowed || location.startsWith(`${allowed}?`))).toBe(true)
      }
      expect(res.status).toBeLessThan(500)
      await res.arrayBuffer()
    }, { runs: 150 })
  })
})
