import type { FastifyInstance } from 'fastify'
import { MockAgent } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { configFromEnv } from '../src/config.ts'

// Ratings enabled, with a counting mock: a bad id, a wrong method or an unknown path must not call it.
let agent: MockAgent
let app: FastifyInstance
let ratingsCalls = 0
beforeAll(async () => {
  agent = new MockAgent()
  agent.disableNetConnect()
  agent.get('http://ratings:9080').intercept({ path: /.*/, method: /.*/ })
    .reply(() => { ratingsCalls++; return { statusCode: 200, data: '{"id":0,"ratings":{"Reviewer1":5,"Reviewer2":4}}' } })
    .persist()
  const { config } = configFromEnv({ ENABLE_RATINGS: 'true', HOSTNAME: 'p' })
  app = await buildApp(config, undefined, { dispatcher: agent })
})
afterAll(async () => {
  await app.close()
  await agent.close()
})

describe('GET /reviews/<non-int>', () => {
  it.each([
    '/reviews/abc',
    '/reviews/',
    '/reviews/1.5',
    '/reviews/0x10',
    '/reviews/1e3',
    '/reviews/%201',
    '/reviews/%E4%B8%80',
    '/reviews/2147483648',
    '/reviews/-2147483649',
    '/reviews/99999999999999999999',
  ])('%s → 404 JSON', async (url) => {
    const res = await app.inject({ method: 'GET', url })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe('{"error":"product id must be an integer"}')
  })

  it('refuses an id longer than the router allows with a 4xx', async () => {
    const res = await app.inject({ method: 'GET', url: `/reviews/${'1'.repeat(300)}` })
    expect(res.statusCode).toBeGreaterThanOrEqual(400)
    expect(res.statusCode).toBeLessThan(500)
  })
})

describe('other routes and methods', () => {
  it('GET /health → healthy', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe('{"status":"Reviews is healthy"}')
  })

  it.each(['/', '/reviews', '/reviews/0/x', '/review/0', '/health/x', '/ratings/0'])('GET %s → 404', async (url) => {
    const res = await app.inject({ method: 'GET', url })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe('{"error":"not found"}')
  })

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const)('%s /reviews/0 → 405 with Allow', async (method) => {
    const res = await app.inject({ method, url: '/reviews/0' })
    expect(res.statusCode).toBe(405)
    expect(res.headers.allow).toBe('GET, HEAD')
    expect(res.headers['content-type']).toBe('application/json')
  })

  it('POST /health → 405', async () => {
    const res = await app.inject({ method: 'POST', url: '/health', payload: {} })
    expect(res.statusCode).toBe(405)
  })

  it('made no ratings call for any of these', () => {
    expect(ratingsCalls).toBe(0)
  })

  it('serves Prometheus metrics', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('process_cpu_user_seconds_total')
  })
})
