import { fileURLToPath } from 'node:url'
import { getFreePort, startService, startTestServer, type ManagedProcess, type TestServer } from '@bookinfo/test-helpers'
import { checkAnyRequest } from '@bookinfo/test-helpers/hostile'
import { checkHostileTokens, injectSender, startPolicyIssuer, type PolicyIssuer } from '@bookinfo/test-helpers/hostile-tokens'
import { checkPropagationOnTheWire } from '@bookinfo/test-helpers/hostile-wire'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { configFromEnv } from '../src/config.ts'

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url))
const PATHS = ['/reviews/0', '/reviews/1', '/health', '/metrics']

let ratings: TestServer
let policy: PolicyIssuer
let ratingsEnv: Record<string, string>
const apps: FastifyInstance[] = []

async function app (env: Record<string, string>): Promise<FastifyInstance> {
  const built = await buildApp(configFromEnv(env).config)
  apps.push(built)
  return built
}

beforeAll(async () => {
  ratings = await startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"id":0,"ratings":{"Reviewer1":5,"Reviewer2":4}}')
  })
  ratingsEnv = { ENABLE_RATINGS: 'true', RATINGS_HOSTNAME: '127.0.0.1', RATINGS_SERVICE_PORT: String(ratings.port) }
  policy = await startPolicyIssuer()
})

afterAll(async () => {
  for (const a of apps) await a.close()
  await ratings?.close()
  await policy?.close()
})

describe('hostile input against reviews v1, v2, v3 (in-process)', () => {
  it.each([
    ['v1', {}],
    ['v2', { SERVICE_VERSION: 'v2', STAR_COLOR: 'black' }],
    ['v3', { SERVICE_VERSION: 'v3', STAR_COLOR: 'red' }],
  ] as const)('%s: any request → never a 5xx, no secret echoed; ratings (a real server) never sees CR, LF or NUL', async (version, env) => {
    const withRatings = version === 'v1' ? {} : ratingsEnv
    await checkAnyRequest(`reviews ${version}: any request`, await app({ ...env, ...withRatings }), { paths: PATHS, runs: 150 })
    for (const request of ratings.requests) {
      for (const value of Object.values(request.headers).flat()) expect(value).not.toMatch(/[\r\n\0]/)
    }
  })

  it('with istio/security enforced: any request → never a 5xx', async () => {
    await checkAnyRequest('reviews + policy: any request', await app({ ...policy.env, ...ratingsEnv, SERVICE_VERSION: 'v3' }), { paths: PATHS, runs: 150 })
  })

  it('forged tokens never read reviews: 401 or 403, never the token echoed', async () => {
    const secured = await app({ ...policy.env, ...ratingsEnv, SERVICE_VERSION: 'v2' })
    await checkHostileTokens({
      name: 'reviews + policy: forged tokens',
      issuer: policy.issuer,
      claims: { sub: 'auth0|hostile', permissions: ['read:book-details', 'read:book-reviews'] },
      send: injectSender(secured, '/reviews/0'),
      runs: 200,
    })
  })
})

describe('hostile headers against a real reviews v2 process (raw sockets)', () => {
  let proc: ManagedProcess
  let port: number

  beforeAll(async () => {
    port = await getFreePort()
    proc = await startService(SERVER, { PORT: String(port), HOST: '127.0.0.1', SERVICE_VERSION: 'v2', LOG_LEVEL: 'warn', ...ratingsEnv })
  })

  afterAll(async () => {
    await proc?.stop()
  })

  it('CR, LF or NUL in a propagated header never reaches ratings', async () => {
    await checkPropagationOnTheWire({ name: 'reviews v2: propagation on the wire', port, path: '/reviews/0', backend: ratings, runs: 150 })
    expect(proc.child.exitCode).toBeNull()
  })
})
