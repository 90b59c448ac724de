// Every image as Kubernetes runs it (read-only root, no capabilities): it starts as uid 1000, answers
// /health, starts from its build-time compile cache, gives the same bytes as the process tests, and on SIGTERM finishes a request in flight and exits 0
// within the grace period. Needs the images (./scripts/build-images.sh); scripts/test-compose.sh runs it.
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StartedNetwork, StartedTestContainer } from 'testcontainers'
import { STATIC_BODY } from '../../services/details/test/fixtures.ts'
import { DEFAULT_BODY } from '../../services/ratings/test/build.ts'
import { UNAVAILABLE, reviewsBytes } from '../../services/reviews/test/fixtures.ts'
import { PRODUCTS } from '../../services/productpage/src/products.ts'
import { pid1Ids, startImage, startNetwork, stopAndInspect, twoPartRequest, type Answer } from './containers.ts'

// Docker's default stop timeout, and the services' SHUTDOWN_GRACE_MS default.
const GRACE_MS = 10_000

interface Probe { method?: string, path: string, send?: string, status: number, body: string }
interface Drain {
  /** What makes the request slow: a backend that accepts and never answers (2 s deadlines), or a slow body. */
  env?: Record<string, string>
  method?: string
  path: string
  body?: string
  type?: string
  status: number
  contains: string
}
interface ImageCase { name: string, port: number, health: Probe, probe: Probe, drain: Drain }

const stars = (n: number, color: string) => `{"stars":${n},"color":"${color}"}`
const BLACKHOLE = 'blackhole'
const slowBackend = { BACKEND_TIMEOUT_MS: '2000', RATINGS_TIMEOUT_MS: '2000', EXTERNAL_BOOK_TIMEOUT_MS: '2000', DB_CONNECT_TIMEOUT_MS: '2000' }

const CASES: ImageCase[] = [
  {
    name: 'examples-bookinfo-productpage-v1',
    port: 9080,
    health: { path: '/health', status: 200, body: 'Product page is healthy' },
    probe: { path: '/api/v1/products', status: 200, body: JSON.stringify(PRODUCTS) },
    drain: { env: { ...slowBackend, DETAILS_HOSTNAME: BLACKHOLE, REVIEWS_HOSTNAME: BLACKHOLE }, path: '/productpage', status: 200, contains: 'Error fetching product details!' },
  },
  {
    name: 'examples-bookinfo-details-v1',
    port: 9080,
    health: { path: '/health', status: 200, body: '{"status":"Details is healthy"}' },
    probe: { path: '/details/0', status: 200, body: STATIC_BODY(0) },
    drain: { env: { ...slowBackend, ENABLE_EXTERNAL_BOOK_SERVICE: 'true', EXTERNAL_BOOK_SERVICE_URL: `http://${BLACKHOLE}:9080` }, path: '/details/0', status: 400, contains: '"error"' },
  },
  {
    name: 'examples-bookinfo-ratings-v1',
    port: 9080,
    health: { path: '/health', status: 200, body: '{"status":"Ratings is healthy"}' },
    probe: { path: '/ratings/1', status: 200, body: DEFAULT_BODY },
    drain: { method: 'POST', path: '/ratings/3', body: '{"Reviewer1":2,"Reviewer2":3}', status: 200, contains: '{"id":3,"ratings":{"Reviewer1":2,"Reviewer2":3}}' },
  },
  {
    // The image's default is database mode (SERVICE_VERSION=v2), where upstream refuses POST.
    name: 'examples-bookinfo-ratings-v2',
    port: 9080,
    health: { path: '/health', status: 200, body: '{"status":"Ratings is healthy"}' },
    probe: { method: 'POST', path: '/ratings/0', send: '{"Reviewer1":1}', status: 501, body: '{"error":"Post not implemented for database backed ratings"}' },
    drain: { env: { ...slowBackend, DB_TYPE: 'mysql', MYSQL_DB_HOST: BLACKHOLE, MYSQL_DB_PORT: '9080' }, path: '/ratings/0', status: 500, contains: 'could not connect to ratings database' },
  },
  {
    name: 'examples-bookinfo-reviews-v1',
    port: 9080,
    health: { path: '/health', status: 200, body: '{"status":"Reviews is healthy"}' },
    probe: { path: '/reviews/0', status: 200, body: reviewsBytes('0', 'reviews-v1-test', 'null') },
    // v1 never calls ratings; with ratings switched on (same code as v2/v3) it has a call to keep in flight.
    drain: { env: { ...slowBackend, ENABLE_RATINGS: 'true', RATINGS_HOSTNAME: BLACKHOLE }, path: '/reviews/0', status: 200, contains: UNAVAILABLE },
  },
  {
    name: 'examples-bookinfo-reviews-v2',
    port: 9080,
    health: { path: '/health', status: 200, body: '{"status":"Reviews is healthy"}' },
    probe: { path: '/reviews/0', status: 200, body: reviewsBytes('0', 'reviews-v2-test', 'null', stars(5, 'black'), stars(4, 'black')) },
    drain: { env: { ...slowBackend, RATINGS_HOSTNAME: BLACKHOLE }, path: '/reviews/0', status: 200, contains: UNAVAILABLE },
  },
  {
    name: 'examples-bookinfo-reviews-v3',
    port: 9080,
    health: { path: '/health', status: 200, body: '{"status":"Reviews is healthy"}' },
    probe: { path: '/reviews/0', status: 200, body: reviewsBytes('0', 'reviews-v3-test', 'null', stars(5, 'red'), stars(4, 'red')) },
    drain: { env: { ...slowBackend, RATINGS_HOSTNAME: BLACKHOLE }, path: '/reviews/0', status: 200, contains: UNAVAILABLE },
  },
  {
    name: 'dev-idp',
    port: 9090,
    health: { path: '/health', status: 200, body: '{"status":"UP","issuer":"http://localhost:9090/"}' },
    probe: { path: '/.well-known/jwks.json', status: 200, body: '' },
    // A token request whose form body arrives in two parts; an unknown client gets the OAuth error.
    drain: { method: 'POST', path: '/oauth/token', type: 'application/x-www-form-urlencoded', body: 'grant_type=authorization_code&code=x&client_id=nobody&client_secret=nothing', status: 401, contains: 'invalid_client' },
  },
]

async function ask (port: number, probe: Pick<Probe, 'method' | 'path' | 'send'>): Promise<Answer> {
  const body = probe.send === undefined ? {} : { body: probe.send, headers: { 'content-type': 'application/json' } }
  const res = await fetch(`http://127.0.0.1:${port}${probe.path}`, { method: probe.method ?? 'GET', ...body })
  return { status: res.status, body: await res.text() }
}

let network: StartedNetwork
const helpers: StartedTestContainer[] = []

beforeAll(async () => {
  network = await startNetwork()
  // reviews v2/v3 call a real ratings; the blackhole accepts connections and never answers (slow backend).
  helpers.push(await startImage('examples-bookinfo-ratings-v1', { port: 9080, network, aliases: ['ratings'] }))
  helpers.push(await startImage('examples-bookinfo-ratings-v1', {
    port: 9080,
    network,
    aliases: [BLACKHOLE],
    command: ['node', '-e', 'require("node:net").createServer(() => {}).listen(9080)'],
    waitFor: 'port',
  }))
})

afterAll(async () => {
  await Promise.all(helpers.map((c) => c.stop({ timeout: 1000 })))
  await network?.stop()
})

describe.each(CASES)('image $name', (c) => {
  let container: StartedTestContainer
  const hostname = `${c.name.replace('examples-bookinfo-', '')}-test`

  beforeAll(async () => {
    container = await startImage(c.name, { port: c.port, network, env: { HOSTNAME: hostname } })
  })
  afterAll(async () => {
    await container?.stop({ timeout: 1000 })
  })

  it('runs as uid/gid 1000 on a read-only root filesystem and answers /health', async () => {
    expect(await pid1Ids(container)).toEqual({ uid: '1000', gid: '1000' })
    const write = await container.exec(['sh', '-c', 'echo x > /tmp/probe'])
    expect(write.exitCode, '/tmp is writable for uid 1000 unless the root filesystem is read-only').not.toBe(0)
    expect(await ask(container.getMappedPort(c.port), c.health)).toEqual({ status: c.health.status, body: c.health.body })
  })

  it('has curl, as istio.io\'s tasks expect (`kubectl exec <pod> -- curl …`)', async () => {
    const run = await container.exec(['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', `http://localhost:${c.port}/health`])
    expect(run).toMatchObject({ exitCode: 0, output: '200' })
  })

  it('starts from the V8 compile cache made at build time, with the memory flags compose and k8s/ set', async () => {
    // A second instance on another port, stopped as soon as it listens; Node's own trace names each cache hit.
    const run = await container.exec(['sh', '-c', 'PORT=9181 IDP_PORT=9181 NODE_OPTIONS=--max-old-space-size=128 NODE_DEBUG_NATIVE=COMPILE_CACHE ' +
      'node --max-semi-space-size=4 --import ./bin/server.js -e "process.exit(0)" 2>&1'])
    expect(run.exitCode).toBe(0)
    expect(run.output).toContain('V8 code cache for ESM file:///app/bin/server.js was accepted')
  })

  it('answers the contract probe with the same bytes as the process tests', async () => {
    const answer = await ask(container.getMappedPort(c.port), c.probe)
    if (c.name === 'dev-idp') {
      // Keys are generated at start: the shape is fixed, the bytes are not.
      expect(answer.status).toBe(200)
      expect((JSON.parse(answer.body) as { keys: Array<{ kty: string, alg: string, d?: string }> }).keys)
        .toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256' })])
      expect(answer.body).not.toContain('"d":')
      return
    }
    expect(answer).toEqual({ status: c.probe.status, body: c.probe.body })
  })

  it('on SIGTERM finishes the request in flight and exits 0 within the grace period', async () => {
    const drained = await startImage(c.name, { port: c.port, network, env: c.drain.env ?? {} })
    const request = twoPartRequest(drained.getMappedPort(c.port), c.drain.path, c.drain)
    await sleep(500)
    const stopping = stopAndInspect(drained, GRACE_MS)
    await sleep(1000)
    request.finish()
    const answer = await request.answer
    const stopped = await stopping
    expect(answer.status).toBe(c.drain.status)
    expect(answer.body).toContain(c.drain.contains)
    expect(stopped.exitCode).toBe(0)
    // It waited for the request (≥ 1 s after SIGTERM) and did not need Docker's SIGKILL.
    expect(stopped.ms).toBeGreaterThan(900)
    expect(stopped.ms).toBeLessThan(GRACE_MS)
  })
})
