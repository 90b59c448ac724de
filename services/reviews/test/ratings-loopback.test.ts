import { startTestServer, type TestServer } from '@bookinfo/test-helpers'
import type { FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { configFromEnv } from '../src/config.ts'
import { TRACE_HEADERS, UNAVAILABLE, reviewsBytes } from './fixtures.ts'

// A real ratings stand-in on loopback: the deadline and the wire headers are checked over real sockets.
let server: TestServer
let delayMs = 0
let app: FastifyInstance

beforeEach(async () => {
  delayMs = 0
  server = await startTestServer(async (req, res) => {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
    const id = Number(req.url?.split('/').pop())
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ id, ratings: { Reviewer1: 5, Reviewer2: 4 } }))
  })
  const { config } = configFromEnv({
    ENABLE_RATINGS: 'true',
    STAR_COLOR: 'red',
    RATINGS_HOSTNAME: '127.0.0.1',
    RATINGS_SERVICE_PORT: String(server.port),
    RATINGS_TIMEOUT_MS: '200',
    HOSTNAME: 'reviews-v3-abc',
  })
  app = await buildApp(config)
})
afterEach(async () => {
  await app.close()
  await server.close()
})

describe('reviews v3 against a real ratings server', () => {
  it('gets the stars with one GET /ratings/<id> carrying every propagated header', async () => {
    const res = await app.inject({ method: 'GET', url: '/reviews/4', headers: { ...TRACE_HEADERS, 'x-secret': 'no' } })
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe(reviewsBytes('4', 'reviews-v3-abc', 'null', '{"stars":5,"color":"red"}', '{"stars":4,"color":"red"}'))
    expect(server.requests).toHaveLength(1)
    const [request] = server.requests
    expect(request?.method).toBe('GET')
    expect(request?.url).toBe('/ratings/4')
    for (const [name, value] of Object.entries(TRACE_HEADERS)) expect(request?.headers[name], name).toBe(value)
    expect(request?.headers.accept).toBe('application/json')
    expect(request?.headers['x-secret']).toBeUndefined()
  })

  it('shows the per-review error when ratings answers after the deadline', async () => {
    delayMs = 1000
    const res = await app.inject({ method: 'GET', url: '/reviews/0' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe(reviewsBytes('0', 'reviews-v3-abc', 'null', UNAVAILABLE, UNAVAILABLE))
    expect(server.requests).toHaveLength(1)
  })
})
