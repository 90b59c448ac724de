import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { discoveryUrl, parseDiscovery, toBackChannel } from '../src/auth/oidc/discovery.ts'
import { endUserHeader, isUsable, nameFromClaims, tokensFromResponse } from '../src/auth/oidc/tokens.ts'
import { isCrossSite } from '../src/auth/same-origin.ts'
import { createMemorySessionStore, ttlMs } from '../src/auth/session-stores.ts'

const CHANNELS = { issuer: 'http://localhost:9090/', backChannelOrigin: 'http://idp.bookinfo.svc:9090' }

/** The dev IdP's (and Auth0's) discovery shape: every endpoint on the public issuer. */
const DOC = {
  issuer: 'http://localhost:9090/',
  authorization_endpoint: 'http://localhost:9090/authorize',
  token_endpoint: 'http://localhost:9090/oauth/token',
  userinfo_endpoint: 'http://localhost:9090/userinfo',
  jwks_uri: 'http://localhost:9090/.well-known/jwks.json',
  end_session_endpoint: 'http://localhost:9090/oidc/logout',
  id_token_signing_alg_values_supported: ['RS256'],
  token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
}

describe('discovery: front and back channel', () => {
  it('discovery is read on the back channel, under the issuer\'s path', () => {
    expect(discoveryUrl(CHANNELS)).toBe('http://idp.bookinfo.svc:9090/.well-known/openid-configuration')
    expect(discoveryUrl({ issuer: 'https://kc.example/realms/bookinfo', backChannelOrigin: 'http://kc:8080' }))
      .toBe('http://kc:8080/realms/bookinfo/.well-known/openid-configuration')
  })

  it('token, userinfo and JWKS move to the back channel; authorize and end-session stay public', () => {
    const result = parseDiscovery(DOC, CHANNELS)
    expect(result).toEqual({
      ok: true,
      metadata: {
        issuer: 'http://localhost:9090/',
        authorizationEndpoint: 'http://localhost:9090/authorize',
        endSessionEndpoint: 'http://localhost:9090/oidc/logout',
        tokenEndpoint: 'http://idp.bookinfo.svc:9090/oauth/token',
        userinfoEndpoint: 'http://idp.bookinfo.svc:9090/userinfo',
        jwksUri: 'http://idp.bookinfo.svc:9090/.well-known/jwks.json',
        tokenAuthMethod: 'header',
      },
    })
  })

  it('an endpoint on another host than the issuer (a CDN) is not rewritten', () => {
    expect(toBackChannel('https://cdn.example/jwks.json', CHANNELS)).toBe('https://cdn.example/jwks.json')
    expect(toBackChannel('http://localhost:9090/oauth/token?x=1', CHANNELS)).toBe('http://idp.bookinfo.svc:9090/oauth/token?x=1')
  })

  it('the issuer pitfall: a document naming another issuer string is refused, with both strings in the reason', () => {
    const result = parseDiscovery({ ...DOC, issuer: 'http://localhost:9090' }, CHANNELS)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.reason).toContain('"http://localhost:9090/"')
  })

  it.each([
    ['not an object', 'x'],
    ['no token endpoint', { ...DOC, token_endpoint: undefined }],
    ['no JWKS', { ...DOC, jwks_uri: 'javascript:alert(1)' }],
    ['no authorize endpoint', { ...DOC, authorization_endpoint: 42 }],
    ['no RS256 ID tokens', { ...DOC, id_token_signing_alg_values_supported: ['HS256'] }],
  ])('refuses a document with %s', (_name, doc) => {
    expect(parseDiscovery(doc, CHANNELS).ok).toBe(false)
  })

  it('client_secret_post only when the IdP lacks basic; no end-session endpoint → none', () => {
    const result = parseDiscovery({ ...DOC, token_endpoint_auth_methods_supported: ['client_secret_post'], end_session_endpoint: undefined }, CHANNELS)
    expect(result.ok && result.metadata.tokenAuthMethod).toBe('body')
    expect(result.ok && result.metadata.endSessionEndpoint).toBeUndefined()
  })
})

describe('token responses', () => {
  const T0 = 1_700_000_000_000

  it('keeps the access token with an expiry a little before the stated one', () => {
    expect(tokensFromResponse({ access_token: 'at', token_type: 'Bearer', expires_in: 3600 }, T0))
      .toEqual({ accessToken: 'at', accessExpiresAt: T0 + 3600_000 - 30_000 })
    // Short lifetimes keep nine tenths.
    expect(tokensFromResponse({ access_token: 'at', expires_in: 60 }, T0)?.accessExpiresAt).toBe(T0 + 54_000)
  })

  it('keeps a refresh token, or the previous one when a refresh answer has none', () => {
    expect(tokensFromResponse({ access_token: 'a', expires_in: 60, refresh_token: 'r1' }, T0)?.refreshToken).toBe('r1')
    expect(tokensFromResponse({ access_token: 'a', expires_in: 60 }, T0, 'r0')?.refreshToken).toBe('r0')
  })

  it('without expires_in the JWT exp counts; without either, five minutes', () => {
    const payload = Buffer.from(JSON.stringify({ exp: T0 / 1000 + 600 })).toString('base64url')
    expect(tokensFromResponse({ access_token: `eyJhbGciOiJub25lIn0.${payload}.` }, T0)?.accessExpiresAt).toBe(T0 + 600_000 - 30_000)
    expect(tokensFromResponse({ access_token: 'opaque' }, T0)?.accessExpiresAt).toBe(T0 + 300_000 - 30_000)
  })

  it.each([
    ['no access token', {}],
    ['an empty one', { access_token: '' }],
    ['one that cannot go into a header', { access_token: 'a b\r\nx' }],
    ['another token type', { access_token: 'a', token_type: 'mac' }],
    ['an already expired JWT', { access_token: `x.${Buffer.from('{"exp":1}').toString('base64url')}.y` }],
  ])('refuses %s', (_name, response) => {
    expect(tokensFromResponse(response, T0)).toBeUndefined()
  })

  it('a token is usable until its (early) expiry', () => {
    const tokens = { accessToken: 'a', accessExpiresAt: T0 }
    expect(isUsable(tokens, T0 - 1)).toBe(true)
    expect(isUsable(tokens, T0)).toBe(false)
    expect(isUsable(undefined, T0)).toBe(false)
  })
})

describe('user names', () => {
  it('nickname first, then email; control characters removed', () => {
    expect(nameFromClaims({ nickname: 'jason', email: 'jason@bookinfo.com' })).toBe('jason')
    expect(nameFromClaims({ email: 'mod@bookinfo.com' })).toBe('mod@bookinfo.com')
    expect(nameFromClaims({ nickname: ' \u0000 ', email: 'e@x' })).toBe('e@x')
    expect(nameFromClaims({ nickname: 'a\r\nb' })).toBe('ab')
    expect(nameFromClaims({ sub: 'x' })).toBeUndefined()
  })

  it('end-user carries an ASCII name as is, anything else percent-encoded', () => {
    expect(endUserHeader('jason')).toBe('jason')
    expect(endUserHeader('mod@bookinfo.com')).toBe('mod@bookinfo.com')
    expect(endUserHeader('José')).toBe('Jos%C3%A9')
  })
})

describe('isCrossSite', () => {
  async function crossSite (headers: Record<string, string>): Promise<boolean> {
    const app = Fastify()
    let answer = false
    app.get('/logout', async (request) => { answer = isCrossSite(request); return '' })
    await app.inject({ url: '/logout', headers: { host: 'bookinfo.example:8080', ...headers } })
    await app.close()
    return answer
  }

  it.each([
    [{}, false],
    [{ 'sec-fetch-site': 'none' }, false],
    [{ 'sec-fetch-site': 'same-origin' }, false],
    [{ referer: 'http://bookinfo.example:8080/productpage' }, false],
    [{ referer: 'https://bookinfo.example:8080/productpage' }, false],
    [{ origin: 'http://bookinfo.example:8080' }, false],
    [{ 'sec-fetch-site': 'cross-site' }, true],
    [{ 'sec-fetch-site': 'same-site' }, true],
    [{ origin: 'null' }, true],
    [{ origin: 'http://bookinfo.example' }, true],
    [{ referer: 'http://evil.example/' }, true],
    [{ referer: 'not a url' }, true],
    [{ 'sec-fetch-site': 'same-origin', referer: 'http://evil.example/' }, true],
  ])('%j → %s', async (headers, expected) => {
    expect(await crossSite(headers as Record<string, string>)).toBe(expected)
  })
})

describe('in-process session store', () => {
  const get = async (store: ReturnType<typeof createMemorySessionStore>['store'], id: string) =>
    new Promise((resolve) => store.get(id, (_err, value) => resolve(value)))
  const set = async (store: ReturnType<typeof createMemorySessionStore>['store'], id: string, value: unknown) =>
    new Promise<void>((resolve) => store.set(id, value as never, () => resolve()))

  it('keeps JSON copies, forgets them at expiry, and destroys on request', async () => {
    let t = 1000
    const { store } = createMemorySessionStore({ maxAgeMs: 60_000, now: () => t })
    const session = { user: 'jason', cookie: { expires: new Date(t + 30_000) } }
    await set(store, 'a', session)
    session.user = 'changed after save'
    expect(await get(store, 'a')).toMatchObject({ user: 'jason' })
    t += 30_000
    expect(await get(store, 'a')).toBeNull()
    await set(store, 'b', { user: 'x' })
    await new Promise<void>((resolve) => store.destroy('b', () => resolve()))
    expect(await get(store, 'b')).toBeNull()
  })

  it('holds at most maxEntries: expired ones go first, then the oldest', async () => {
    let t = 0
    const { store } = createMemorySessionStore({ maxAgeMs: 1000, maxEntries: 3, now: () => t })
    for (const id of ['a', 'b', 'c']) await set(store, id, { id })
    await set(store, 'd', { id: 'd' })
    expect(await get(store, 'a')).toBeNull()
    expect(await get(store, 'd')).toMatchObject({ id: 'd' })
    t = 5000
    for (const id of ['e', 'f', 'g']) await set(store, id, { id })
    for (const id of ['e', 'f', 'g']) expect(await get(store, id)).toMatchObject({ id })
  })

  it('the TTL follows the cookie expiry and never exceeds the maximum', () => {
    expect(ttlMs({ cookie: { expires: new Date(10_000) } }, 60_000, 4000)).toBe(6000)
    expect(ttlMs({ cookie: { expires: '1970-01-01T00:00:10.000Z' } }, 60_000, 4000)).toBe(6000)
    expect(ttlMs({ cookie: { expires: new Date(10_000_000) } }, 60_000, 0)).toBe(60_000)
    expect(ttlMs({ cookie: {} }, 60_000, 0)).toBe(60_000)
    expect(ttlMs({ cookie: { expires: new Date(1) } }, 60_000, 5000)).toBe(1)
  })
})
