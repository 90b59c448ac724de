// Faults under load on the local stack (real processes, policy on, sessions in a real Redis): a steady load on
// /productpage from anonymous, user and moderator browsers while details, reviews, ratings, the IdP and Redis
// each go away (SIGKILL: a crash, or SIGTERM) and come back. Every answer must be a 200 showing what the
// persona should see with that dependency away, never slower than productpage's worst case, and the whole
// page within 2 s of the dependency's recovery; no process may crash or log an unhandled rejection.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getFreePort } from '@bookinfo/test-helpers'
import { OidcBrowser } from '@bookinfo/test-helpers/oidc-browser'
import { startRedis, type RedisServer } from '@bookinfo/test-helpers/redis'
import { countBy, startSteadyLoad } from '@bookinfo/test-helpers/steady-load'
import { devPersonas } from '../../dev/idp/src/index.ts'
import { DEFAULT_PORTS, startLocalStack, type LocalStack, type StackPorts } from '../../packages/local-stack/src/index.ts'
import { writeIdpKeys } from './keys.ts'
import { FULL_PAGE, crashLines, pageClients, pageKind, pageProblems, signIn, type Outage, type Persona, type PersonaName } from './pages.ts'

const OUTAGE_MS = 2500
const STEADY_MS = 1500

let stack: LocalStack
let redis: RedisServer

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bookinfo-faults-'))
  redis = await startRedis()
  const names = Object.keys(DEFAULT_PORTS) as Array<keyof StackPorts>
  const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await getFreePort()]))) as StackPorts
  stack = await startLocalStack({
    reviewsVersion: 'v3',
    logDir: join(dir, 'logs'),
    ports,
    env: { idp: { IDP_KEYS_FILE: writeIdpKeys(dir) }, productpage: { SESSION_REDIS_URL: redis.url } },
  })
}, 90_000)

afterAll(async () => {
  await stack?.stop()
  await redis?.stop()
})

/** A login that reached the IdP's redirect back to productpage, not yet followed: the callback URL. */
async function loginUpToCallback (browser: OidcBrowser): Promise<URL> {
  const origin = stack.productpageUrl
  const start = await browser.navigate(`${origin}/login`)
  const { formOf } = await import('@bookinfo/test-helpers/oidc-browser')
  const done = await browser.submit(formOf(start.page), { username: devPersonas().mod.login, password: devPersonas().mod.password },
    { stopBefore: (next) => next.origin === new URL(origin).origin && next.pathname === '/callback' })
  const location = done.page.headers.get('location')
  if (location === null) throw new Error(`no redirect to the callback: ${done.page.status} ${done.page.url.href}`)
  return new URL(location, done.page.url)
}

/** Polls /login until it redirects to the IdP (Redis reconnected), then signs in: the "Sign in" works again. */
async function signInAgain (name: PersonaName): Promise<Persona> {
  await expect.poll(async () => (await fetch(`${stack.productpageUrl}/login`, { redirect: 'manual' })).status, { timeout: 10_000, interval: 200 }).toBe(302)
  return signIn(stack.productpageUrl, name)
}

describe('faults under load, local stack', () => {
  it('keeps /productpage at 200 with the right page while each dependency goes away and comes back', async () => {
    const url = stack.productpageUrl
    const personas: Persona[] = await Promise.all((['anonymous', 'user', 'moderator', 'moderator'] as const).map((n) => signIn(url, n)))
    const load = startSteadyLoad({ clients: pageClients(url, personas), classify: pageKind, pauseMs: 10 })
    const outages: Outage[] = []
    const checks: Record<string, unknown> = {}

    async function outage (dependency: string, stop: () => Promise<unknown>, start: () => Promise<unknown>,
      during: Outage['during'], after?: Outage['after'], whileAway?: () => Promise<void>): Promise<void> {
      await sleep(STEADY_MS)
      checks[`${dependency} exit`] = await stop()
      const stoppedAt = load.now()
      await Promise.all([sleep(OUTAGE_MS), whileAway?.()])
      const restartedAt = load.now()
      await start()
      outages.push({ dependency, stoppedAt, restartedAt, recoveredAt: load.now(), during, ...(after ? { after } : {}) })
    }

    await outage('details (SIGKILL)', () => stack.stopOne('details', 'SIGKILL'), () => stack.startOne('details'),
      { anonymous: 'out', user: 'in', moderator: 'in+reviews+ratings' })
    await outage('reviews (SIGTERM)', () => stack.stopOne('reviews-v3'), () => stack.startOne('reviews-v3'),
      { anonymous: 'out', user: 'in+details', moderator: 'in+details' })
    await outage('ratings (SIGKILL)', () => stack.stopOne('ratings', 'SIGKILL'), () => stack.startOne('ratings'),
      { anonymous: 'out', user: 'in+details', moderator: 'in+details+reviews+ratings-unavailable' })

    // The IdP: pages do not need it (the policy keeps its keys); a login whose code comes back while it is
    // away gets a clear page, and a new login works once it is back.
    const interrupted = new OidcBrowser()
    const callback = await loginUpToCallback(interrupted)
    await outage('IdP (SIGKILL)', () => stack.stopOne('idp', 'SIGKILL'), () => stack.startOne('idp'), FULL_PAGE, undefined, async () => {
      const page = await interrupted.request(callback)
      checks['callback while the IdP is away'] = { status: page.status, clear: page.body.includes('The sign-in service could not be reached') }
    })
    checks['login after the IdP is back'] = pageKind(200, (await new OidcBrowser().signIn(`${url}/login`, devPersonas().mod)).page.body)

    // Redis: sessions live only there, so signed-in users are signed out cleanly (the anonymous page), and a
    // login while it is away gets a clear page.
    await outage('Redis (SIGTERM)', () => redis.stop(), async () => { redis = await startRedis({ port: redis.port }) },
      { anonymous: 'out', user: 'out', moderator: 'out' }, { anonymous: 'out', user: 'out', moderator: 'out' }, async () => {
        const page = await new OidcBrowser().request(`${url}/login`)
        checks['login while Redis is away'] = { status: page.status, clear: page.body.includes('Your session could not be stored') }
      })
    await sleep(2000 + STEADY_MS)
    const samples = await load.stop()

    // "Sign in" works again after Redis came back.
    const again = await signInAgain('moderator')
    checks['sign in after Redis is back'] = pageKind(200, (await (await fetch(`${url}/productpage`, { headers: { cookie: again.cookie } })).text()))

    const figures = { requests: samples.length, byPage: countBy(samples, (s) => s.kind ?? s.error), slowestMs: Math.round(Math.max(...samples.map((s) => s.ms))) }
    console.log(`local faults: ${JSON.stringify(figures)} ${JSON.stringify(checks)}`)
    expect(pageProblems(samples, outages)).toEqual([])
    expect(checks).toEqual({
      'details (SIGKILL) exit': 'SIGKILL',
      'reviews (SIGTERM) exit': 0,
      'ratings (SIGKILL) exit': 'SIGKILL',
      'IdP (SIGKILL) exit': 'SIGKILL',
      'Redis (SIGTERM) exit': 0,
      'callback while the IdP is away': { status: 502, clear: true },
      'login after the IdP is back': FULL_PAGE.moderator,
      'login while Redis is away': { status: 503, clear: true },
      'sign in after Redis is back': FULL_PAGE.moderator,
    })
    // Every process is still running (productpage was never restarted) and none logged a crash in the making.
    expect(stack.processes.filter((p) => p.child.exitCode !== null || p.child.signalCode !== null).map((p) => p.name)).toEqual([])
    expect(stack.processes.find((p) => p.name === 'productpage')?.child.pid).toBeDefined()
    expect(crashLines(stack.processes.map((p) => p.logFile))).toEqual([])
  }, 120_000)
})
