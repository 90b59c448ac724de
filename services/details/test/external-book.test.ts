import { startTestServer, type TestServer } from '@bookinfo/test-helpers'
import type { FastifyInstance } from 'fastify'
import { MockAgent } from 'undici'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { configFromEnv } from '../src/config.ts'
import { EXTERNAL_BODY_0, TRACE_HEADERS, VOLUMES_ANSWER } from './fixtures.ts'

const VOLUMES = '/books/v1/volumes?q=isbn:0486424618'

describe('external book mode with a mocked Google Books (HTTPS by default)', () => {
  let agent: MockAgent
  let app: FastifyInstance

  beforeEach(async () => {
    agent = new MockAgent()
    agent.disableNetConnect()
    const { config } = configFromEnv({ ENABLE_EXTERNAL_BOOK_SERVICE: 'true', EXTERNAL_BOOK_TIMEOUT_MS: '300' })
    app = await buildApp(config, undefined, { dispatcher: agent })
  })
  afterEach(async () => {
    await app.close()
    await agent.close()
  })

  const books = () => agent.get('https://www.googleapis.com')

  it('maps the volume, echoes the id and forwards exactly the propagated headers', async () => {
    let seen: Record<string, string> = {}
    books().intercept({ path: VOLUMES, method: 'GET' }).reply((opts) => {
      seen = opts.headers as Record<string, string>
      return { statusCode: 200, data: JSON.stringify(VOLUMES_ANSWER), responseOptions: { headers: { 'content-type': 'application/json' } } }
    })
    const res = await app.inject({
      method: 'GET',
      url: '/details/0',
      headers: { ...TRACE_HEADERS, 'x-secret': 'do-not-forward', host: 'details:9080' },
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe(EXTERNAL_BODY_0)
    for (const [name, value] of Object.entries(TRACE_HEADERS)) expect(seen[name], name).toBe(value)
    expect(seen['x-secret']).toBeUndefined()
    agent.assertNoPendingInterceptors()
  })

  it('still rejects a bad id without calling out', async () => {
    const res = await app.inject({ method: 'GET', url: '/details/abc' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toBe('{"error":"please provide numeric product id"}')
  })

  it.each([
    ['a non-200 status', 503, '{"error":"backend"}', '{"error":"external book service answered 503"}'],
    ['a 200 with a body that is not JSON', 200, '<html>quota</html>', '{"error":"external book service answered invalid JSON"}'],
    ['a 200 without items', 200, '{"kind":"books#volumes","totalItems":0}', '{"error":"external book service returned no book"}'],
  ])('answers 400 on %s', async (_name, status, data, body) => {
    books().intercept({ path: VOLUMES }).reply(status, data)
    const res = await app.inject({ method: 'GET', url: '/details/0' })
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe(body)
  })

  it('answers 400 on a connection error without leaking its details', async () => {
    books().intercept({ path: VOLUMES }).replyWithError(new Error('connect ECONNREFUSED 10.0.0.7:443'))
    const res = await app.inject({ method: 'GET', url: '/details/0' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toBe('{"error":"external book service unreachable"}')
  })

  it('answers 400 when the answer is too large to buffer', async () => {
    books().intercept({ path: VOLUMES }).reply(200, 'x'.repeat(1024 * 1024 + 1))
    const res = await app.inject({ method: 'GET', url: '/details/0' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toBe('{"error":"external book service answer too large"}')
  })
})

describe('external book mode with DO_NOT_ENCRYPT=true', () => {
  it('calls plain HTTP on port 80', async () => {
    const agent = new MockAgent()
    agent.disableNetConnect()
    agent.get('http://www.googleapis.com').intercept({ path: VOLUMES }).reply(200, JSON.stringify(VOLUMES_ANSWER))
    const { config } = configFromEnv({ ENABLE_EXTERNAL_BOOK_SERVICE: 'true', DO_NOT_ENCRYPT: 'true' })
    const app = await buildApp(config, undefined, { dispatcher: agent })
    const res = await app.inject({ method: 'GET', url: '/details/0' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe(EXTERNAL_BODY_0)
    agent.assertNoPendingInterceptors()
    await app.close()
    await agent.close()
  })
})

describe('external book mode against a real loopback server', () => {
  let server: TestServer
  let app: FastifyInstance
  let delayMs = 0

  beforeEach(async () => {
    delayMs = 0
    server = await startTestServer(async (_req, res) => {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(VOLUMES_ANSWER))
    })
    const { config } = configFromEnv({
      ENABLE_EXTERNAL_BOOK_SERVICE: 'true',
      EXTERNAL_BOOK_SERVICE_URL: server.url,
      EXTERNAL_BOOK_TIMEOUT_MS: '200',
    })
    app = await buildApp(config)
  })
  afterEach(async () => {
    await app.close()
    await server.close()
  })

  it('sends GET /books/v1/volumes?q=isbn:0486424618 with every propagated header verbatim', async () => {
    const res = await app.inject({ method: 'POST', url: '/details/2', headers: { ...TRACE_HEADERS, 'x-secret': 's3cret' } })
    expect(res.statusCode).toBe(200)
    expect(JSON.parse(res.body)).toMatchObject({ id: 2, 'ISBN-10': '0486424618' })
    expect(server.requests).toHaveLength(1)
    const [request] = server.requests
    expect(request?.method).toBe('GET')
    expect(request?.url).toBe(VOLUMES)
    for (const [name, value] of Object.entries(TRACE_HEADERS)) expect(request?.headers[name], name).toBe(value)
    expect(request?.headers['x-secret']).toBeUndefined()
  })

  it('gives up at the deadline with a 400', async () => {
    delayMs = 1000
    const res = await app.inject({ method: 'GET', url: '/details/0' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toBe('{"error":"external book service timed out"}')
  })

  it('answers 400 when nothing listens', async () => {
    const { port } = server
    await server.close()
    server = await startTestServer(() => {})
    const { config } = configFromEnv({
      ENABLE_EXTERNAL_BOOK_SERVICE: 'true',
      EXTERNAL_BOOK_SERVICE_URL: `http://127.0.0.1:${port}`,
    })
    const closed = await buildApp(config)
    const res = await closed.inject({ method: 'GET', url: '/details/0' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toBe('{"error":"external book service unreachable"}')
    await closed.close()
  })
})
