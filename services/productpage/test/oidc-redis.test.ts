import { getFreePort } from '@bookinfo/test-helpers'
import { OidcBrowser } from '@bookinfo/test-helpers/oidc-browser'
import { startRedis, type RedisServer } from '@bookinfo/test-helpers/redis'
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REDIS_KEY_PREFIX } from '../src/auth/session-stores.ts'
import {
  PERSONAS, bearerOf, oidcEnv, reserveOrigin, startBackends, startIdp, startProductpage, verifyAccessToken,
  type Backends, type RunningIdp, type RunningProductpage,
} from './oidc-fixture.ts'

let redis: RedisServer
let inspect: ReturnType<typeof createClient>
let idp: RunningIdp
let backends: Backends
let a: RunningProductpage
let b: RunningProductpage
let noRedis: RunningProductpage

const MAX_AGE_S = 3600

beforeAll(async () => {
  redis = await startRedis()
  inspect = createClient({ url: redis.url })
  await inspect.connect()
  backends = await startBackends()
  const [oa, ob, oc] = await Promise.all([reserveOrigin(), reserveOrigin(), reserveOrigin()])
  idp = await startIdp([oa.origin, ob.origin, oc.origin])
  const shared = { SESSION_REDIS_URL: redis.url, SESSION_MAX_AGE_SECONDS: String(MAX_AGE_S) }
  a = await startProductpage(oa.port, oidcEnv(idp, oa.origin, backends, shared))
  b = await startProductpage(ob.port, oidcEnv(idp, ob.origin, backends, shared))
  // Redis configured but not there: a port where nothing listens.
  noRedis = await startProductpage(oc.port, oidcEnv(idp, oc.origin, backends, {
    SESSION_REDIS_URL: `redis://127.0.0.1:${await getFreePort()}`,
    OIDC_HTTP_TIMEOUT_MS: '300',
  }))
})

afterAll(async () => {
  for (const app of [a, b, noRedis]) await app?.close()
  await inspect?.close()
  await redis?.stop()
  await idp?.stop()
  await backends?.close()
})

/** The Redis key of a browser's session (the cookie is `<id>.<signature>`). */
function keyOf (cookie: string): string {
  return REDIS_KEY_PREFIX + cookie.slice(0, cookie.lastIndexOf('.'))
}

describe('sessions in Redis, shared by two productpage instances', () => {
  it('a login at A is a login at B; a logout at B is a logout at A', async () => {
    const browser = new OidcBrowser()
    const { page } = await browser.signIn(`${a.origin}/login`, PERSONAS.mod)
    expect(page.url.href).toBe(`${a.origin}/productpage`)
    const cookie = browser.cookie(a.origin, 'session') as string

    // B never saw this login: it reads the session from Redis.
    const atB = await browser.request(`${b.origin}/productpage`)
    expect(atB.body).toContain('moderator ( <a href="logout"')
    const bearer = bearerOf(backends.details) as string
    expect((await verifyAccessToken(idp, bearer)).permissions).toEqual(PERSONAS.mod.permissions)

    const out = await browser.request(`${b.origin}/logout`)
    expect(out.status).toBe(302)
    expect(await inspect.exists(keyOf(cookie))).toBe(0)
    const replay = new OidcBrowser()
    replay.setCookie(a.origin, 'session', cookie)
    expect((await replay.request(`${a.origin}/productpage`)).body).toContain('>Sign in</a>')
  })

  it('the stored session has a TTL bounded by the session max age; the cookie holds only its id', async () => {
    const browser = new OidcBrowser()
    await browser.signIn(`${a.origin}/login`, PERSONAS.user)
    const cookie = browser.cookie(a.origin, 'session') as string
    expect(cookie).toMatch(/^[\w-]{32}\.[\w+/-]+$/)
    const key = keyOf(cookie)
    const ttl = await inspect.pTTL(key)
    expect(ttl).toBeGreaterThan((MAX_AGE_S - 60) * 1000)
    expect(ttl).toBeLessThanOrEqual(MAX_AGE_S * 1000)
    const stored = JSON.parse(await inspect.get(key) as string) as Record<string, unknown>
    expect(stored.user).toBe('user')
    expect(stored.login).toBeUndefined()
    expect(typeof (stored.tokens as { accessToken?: unknown }).accessToken).toBe('string')
  })

  it('a login that was started and abandoned lives 10 minutes in Redis; a failed one leaves nothing', async () => {
    const browser = new OidcBrowser()
    await browser.request(`${a.origin}/login`)
    const cookie = browser.cookie(a.origin, 'session') as string
    const ttl = await inspect.pTTL(keyOf(cookie))
    expect(ttl).toBeGreaterThan(9 * 60_000)
    expect(ttl).toBeLessThanOrEqual(10 * 60_000)

    const res = await browser.request(`${a.origin}/callback?code=bad&state=bad`)
    expect(res.status).toBe(400)
    expect(await inspect.exists(keyOf(cookie))).toBe(0)
  })

  it('the pre-login session is deleted at sign-in (the id changes)', async () => {
    const browser = new OidcBrowser()
    await browser.request(`${a.origin}/login`)
    const before = browser.cookie(a.origin, 'session') as string
    expect(await inspect.exists(keyOf(before))).toBe(1)
    // Single sign-on is not on in this fresh browser: the form shows, then back to productpage.
    await browser.signIn(`${a.origin}/login`, PERSONAS.user)
    const after = browser.cookie(a.origin, 'session') as string
    expect(after).not.toBe(before)
    expect(await inspect.exists(keyOf(before))).toBe(0)
    expect(await inspect.exists(keyOf(after))).toBe(1)
  })
})

describe('Redis unreachable', () => {
  it('productpage starts and serves the anonymous page; /login answers a 503 page and no cookie', async () => {
    const browser = new OidcBrowser()
    const page = await browser.request(`${noRedis.origin}/productpage`)
    expect(page.status).toBe(200)
    expect(page.body).toContain('>Sign in</a>')
    const login = await browser.request(`${noRedis.origin}/login`)
    expect(login.status).toBe(503)
    expect(login.headers.get('content-type')).toMatch(/^text\/html/)
    expect(login.body).toContain('Your session could not be stored')
    expect(browser.cookie(noRedis.origin, 'session')).toBeUndefined()
  })

  it('a request carrying a session cookie is simply anonymous', async () => {
    const browser = new OidcBrowser()
    browser.setCookie(noRedis.origin, 'session', 'abc.def')
    const page = await browser.request(`${noRedis.origin}/productpage`)
    expect(page.status).toBe(200)
    expect(page.body).toContain('>Sign in</a>')
  })
})
