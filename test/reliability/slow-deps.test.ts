// Slow dependencies: a backend that accepts and never answers, and JWKS endpoints that stall (the policy's,
// on every service's request path, and productpage's own at sign-in). The deadlines hold, every caller gets a
// clear answer in time, and the sockets and timers of the real process (its debug memory report:
// process.getActiveResourcesInfo() and /proc/self/fd after a full GC) come back to where they were.
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { SignJWT, exportJWK, generateKeyPair } from 'jose'
import { Agent } from 'undici'
import { afterAll, describe, expect, it } from 'vitest'
import { getFreePort, startService, type ManagedProcess } from '@bookinfo/test-helpers'
import { OidcBrowser, formOf } from '@bookinfo/test-helpers/oidc-browser'
import { startReverseProxy } from '@bookinfo/test-helpers/reverse-proxy'
import { countBy, startSteadyLoad } from '@bookinfo/test-helpers/steady-load'
import { PERSONAS, PRODUCTPAGE_SERVER, oidcEnv, reserveOrigin, startBackends, startIdp } from '../../services/productpage/test/oidc-fixture.ts'
import { backToBaseline, handles, quietBaseline, takeMemoryReport, type MemoryReport } from './memory.ts'
import { pageKind } from './pages.ts'
import { startStallServer, type StallServer } from './stall-server.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const DETAILS_SERVER = fileURLToPath(new URL('../../services/details/src/server.ts', import.meta.url))

const cleanups: Array<() => Promise<unknown>> = []
afterAll(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}) })

async function stalled (): Promise<StallServer> {
  const server = await startStallServer()
  cleanups.push(server.close)
  return server
}

async function service (serverTs: string, env: Record<string, string>): Promise<{ proc: ManagedProcess, port: number, report: () => Promise<MemoryReport> }> {
  const port = await getFreePort()
  const proc = await startService(serverTs, { PORT: String(port), NODE_OPTIONS: '--expose-gc', ...env })
  cleanups.push(() => proc.stop('SIGKILL'))
  return { proc, port, report: () => takeMemoryReport(() => proc.child.kill('SIGUSR2'), proc.output) }
}

describe('a backend that accepts and never answers', () => {
  it('gives every page in 2 × 3 s (reviews\' two attempts), closes every socket it opened, and keeps no timer', async () => {
    const hung = await stalled()
    const backend = (name: string) => ({ [`${name}_HOSTNAME`]: '127.0.0.1', [`${name}_SERVICE_PORT`]: String(hung.port) })
    const pp = await service(PRODUCTPAGE_SERVER, { ...backend('DETAILS'), ...backend('REVIEWS'), ...backend('RATINGS') })
    const before = await quietBaseline(pp.report)
    const clients = new Agent()
    let mostOpen = 0
    const load = startSteadyLoad({
      dispatcher: clients,
      classify: pageKind,
      clients: Array.from({ length: 16 }, () => ({ name: 'anonymous', next: () => ({ url: `http://127.0.0.1:${pp.port}/productpage` }) })),
    })
    const watch = setInterval(() => { mostOpen = Math.max(mostOpen, hung.openConnections()) }, 50)
    await sleep(7000)
    const samples = await load.stop()
    clearInterval(watch)
    await clients.close()
    const left = await backToBaseline(pp.report, before)

    // Each page: details (1 attempt) and reviews (2 attempts) hang, so 2 × 3 s, then the error text.
    expect(countBy(samples, (s) => `${s.status} ${s.kind}`)).toEqual({ '200 out': samples.length })
    expect(samples.length).toBeGreaterThanOrEqual(16)
    for (const s of samples) {
      expect(s.ms).toBeGreaterThan(5900)
      expect(s.ms).toBeLessThan(6500)
    }
    // At most one socket per backend call of the 16 pages in flight (details, reviews' first and second
    // attempt: a closed socket may take a moment to be seen closed), none left once answered.
    expect(mostOpen).toBeLessThanOrEqual(16 * 3)
    expect(hung.accepted()).toBeGreaterThanOrEqual(samples.length * 3)
    expect(hung.openConnections()).toBe(0)
    expect(left).toEqual({ sockets: 0, timers: 0, fds: 0 })
    console.log(`stalled backends: ${samples.length} pages, slowest ${Math.round(Math.max(...samples.map((s) => s.ms)))} ms, ${hung.accepted()} stalled calls ${JSON.stringify(hung.requests())}, most open ${mostOpen}; baseline ${JSON.stringify(handles(before))} fds ${before.fds}, left over ${JSON.stringify(left)}`)
  }, 60_000)
})

describe('a JWKS endpoint that stalls', () => {
  it('the policy answers 401 within its 5 s fetch deadline, shares one fetch, leaks nothing, and recovers', async () => {
    const jwks = await stalled()
    const issuer = 'https://issuer.reliability.test/'
    const details = await service(DETAILS_SERVER, {
      MESH_POLICY: 'on',
      MESH_POLICY_DIR: `${ROOT}istio/security`,
      MESH_POLICY_ISSUER: issuer,
      MESH_POLICY_JWKS_URI: `${jwks.url}/.well-known/jwks.json`,
    })
    const { privateKey, publicKey } = await generateKeyPair('RS256')
    const token = await new SignJWT({ permissions: ['read:book-details'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuer).setAudience('https://bookinfo.io')
      .setSubject('reliability').setIssuedAt().setExpirationTime('10m').sign(privateKey)
    const before = await quietBaseline(details.report)
    const clients = new Agent()
    let mostOpen = 0
    const watch = setInterval(() => { mostOpen = Math.max(mostOpen, jwks.openConnections()) }, 50)
    const load = startSteadyLoad({
      dispatcher: clients,
      clients: Array.from({ length: 8 }, () => ({ name: 'moderator', next: () => ({ url: `http://127.0.0.1:${details.port}/details/0`, headers: { authorization: `Bearer ${token}` } }) })),
    })
    // Load for less than the 5 s fetch deadline: every request arrives while the one fetch is pending (after
    // the deadline a new request starts the next fetch, and the old socket's close can lag behind it).
    await sleep(4000)
    const samples = await load.stop()
    clearInterval(watch)
    await clients.close()
    const left = await backToBaseline(details.report, before)

    expect(countBy(samples, (s) => s.status)).toEqual({ 401: samples.length })
    for (const s of samples) expect(s.ms).toBeLessThan(5500)
    // Callers waiting for the keys share one fetch; it is closed when its deadline passes.
    expect(mostOpen).toBe(1)
    expect(jwks.openConnections()).toBe(0)
    expect(left).toEqual({ sockets: 0, timers: 0, fds: 0 })

    // The endpoint answers again: the next request is let in.
    const key = { ...await exportJWK(publicKey), kid: 'k1', alg: 'RS256', use: 'sig' }
    jwks.answerWith((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key] })))
    const res = await fetch(`http://127.0.0.1:${details.port}/details/0`, { headers: { authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)
    console.log(`stalled policy JWKS: ${samples.length} requests, all 401, slowest ${Math.round(Math.max(...samples.map((s) => s.ms)))} ms, ${jwks.accepted()} fetches, most open ${mostOpen}`)
  }, 60_000)

  it('productpage\'s own JWKS (ID-token check at /callback): a clear page within OIDC_HTTP_TIMEOUT_MS, and a login once it answers', async () => {
    const origin = await reserveOrigin()
    const idp = await startIdp([origin.origin])
    cleanups.push(idp.stop)
    const backends = await startBackends()
    cleanups.push(backends.close)
    let stall = true
    const backChannel = await startReverseProxy(idp.base, { stall: (req) => stall && req.url === '/.well-known/jwks.json' })
    cleanups.push(backChannel.close)
    const port = origin.port
    const proc = await startService(PRODUCTPAGE_SERVER, { PORT: String(port), NODE_OPTIONS: '--expose-gc', ...oidcEnv(idp, origin.origin, backends, { OIDC_INTERNAL_BASE_URL: backChannel.url, OIDC_HTTP_TIMEOUT_MS: '2000' }) })
    cleanups.push(() => proc.stop('SIGKILL'))
    const report = () => takeMemoryReport(() => proc.child.kill('SIGUSR2'), proc.output)
    const before = await quietBaseline(report)

    const browser = new OidcBrowser()
    const start = await browser.navigate(`${origin.origin}/login`)
    const t = Date.now()
    const done = await browser.submit(formOf(start.page), { username: PERSONAS.mod.login, password: PERSONAS.mod.password })
    const took = Date.now() - t
    expect(done.page.status).toBe(502)
    expect(done.page.body).toContain('could not be verified')
    expect(took).toBeLessThan(2000 + 1500)
    expect(await backToBaseline(report, before)).toEqual({ sockets: 0, timers: 0, fds: 0 })

    stall = false
    const again = await new OidcBrowser().signIn(`${origin.origin}/login`, PERSONAS.mod)
    expect(pageKind(again.page.status, again.page.body)).toMatch(/^in\+details/)
  }, 60_000)
})
