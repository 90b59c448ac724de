import { fileURLToPath } from 'node:url'
import { getFreePort, startService, startTestServer, type ManagedProcess, type TestServer } from '@bookinfo/test-helpers'
import { checkAnyRequest } from '@bookinfo/test-helpers/hostile'
import { checkHostileTokens, injectSender, startPolicyIssuer, type PolicyIssuer } from '@bookinfo/test-helpers/hostile-tokens'
import { checkPropagationOnTheWire } from '@bookinfo/test-helpers/hostile-wire'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { configFromEnv } from '../src/config.ts'
import { VOLUMES_ANSWER } from './fixtures.ts'

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url))
const PATHS = ['/details/0', '/details/1', '/details', '/details/', '/health', '/health/x', '/metrics']

let books: TestServer
let policy: PolicyIssuer
const apps: FastifyInstance[] = []

async function app (env: Record<string, string>): Promise<FastifyInstance> {
  const built = await buildApp(configFromEnv(env).config)
  apps.push(built)
  return built
}

beforeAll(async () => {
  // A real external book service (details v2 calls it with the propagated headers).
  books = await startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(VOLUMES_ANSWER))
  })
  policy = await startPolicyIssuer()
})

afterAll(async () => {
  for (const a of apps) await a.close()
  await books?.close()
  await policy?.close()
})

describe('hostile input against details (in-process)', () => {
  it('v1, open: any request → never a 5xx, no secret echoed', async () => {
    await checkAnyRequest('details v1: any request', await app({}), { paths: PATHS, runs: 200 })
  })

  it('v2 against a real external book service: never a 5xx, and the service never sees CR, LF or NUL', async () => {
    const v2 = await app({ ENABLE_EXTERNAL_BOOK_SERVICE: 'true', EXTERNAL_BOOK_SERVICE_URL: books.url })
    await checkAnyRequest('details v2: any request', v2, { paths: PATHS, runs: 200 })
    expect(books.requests.length).toBeGreaterThan(0)
    for (const request of books.requests) {
      for (const value of Object.values(request.headers).flat()) expect(value).not.toMatch(/[\r\n\0]/)
    }
  })

  it('with istio/security enforced: any request → never a 5xx (the policy\'s path normalisation included)', async () => {
    await checkAnyRequest('details + policy: any request', await app(policy.env), { paths: PATHS, runs: 200 })
  })

  it('forged tokens never read a book: 401 or 403, never the token echoed', async () => {
    const secured = await app(policy.env)
    await checkHostileTokens({
      name: 'details + policy: forged tokens',
      issuer: policy.issuer,
      claims: { sub: 'auth0|hostile', permissions: ['read:book-details'] },
      send: injectSender(secured, '/details/0'),
      runs: 200,
    })
  })
})

describe('hostile headers against a real details v2 process (raw sockets)', () => {
  let proc: ManagedProcess
  let port: number

  beforeAll(async () => {
    port = await getFreePort()
    proc = await startService(SERVER, { PORT: String(port), HOST: '127.0.0.1', ENABLE_EXTERNAL_BOOK_SERVICE: 'true', EXTERNAL_BOOK_SERVICE_URL: books.url, LOG_LEVEL: 'warn' })
  })

  afterAll(async () => {
    await proc?.stop()
  })

  it('CR, LF or NUL in a propagated header never reaches the external book service', async () => {
    await checkPropagationOnTheWire({ name: 'details v2: propagation on the wire', port, path: '/details/0', backend: books, runs: 150 })
    expect(proc.child.exitCode).toBeNull()
  })
})
