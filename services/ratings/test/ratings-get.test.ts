import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appWith, DEFAULT_BODY } from './build.ts'

describe('GET /ratings/<id> (v1)', () => {
  let app: FastifyInstance
  beforeAll(async () => { app = await appWith() })
  afterAll(async () => { await app.close() })

  it('answers the default ratings with the id as a number', async () => {
    const res = await app.inject('/ratings/1')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe(DEFAULT_BODY)
  })

  it.each([
    ['/ratings/0', '{"id":0,"ratings":{"Reviewer1":5,"Reviewer2":4}}'],
    ['/ratings/-1', '{"id":-1,"ratings":{"Reviewer1":5,"Reviewer2":4}}'],
    ['/ratings/9007199254740991', '{"id":9007199254740991,"ratings":{"Reviewer1":5,"Reviewer2":4}}'],
    ['/ratings/7?user=jason', '{"id":7,"ratings":{"Reviewer1":5,"Reviewer2":4}}'],
    ['/ratings/%31', DEFAULT_BODY],
  ])('%s → 200', async (url, body) => {
    const res = await app.inject(url)
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe(body)
  })

  it.each([
    '/ratings/',
    '/ratings/abc',
    '/ratings/0/x',
    '/ratings/7abc',
    '/ratings/1.5',
    '/ratings/0x10',
    '/ratings/%20',
    '/ratings/9007199254740993',
    '/ratings/99999999999999999999999999',
    `/ratings/${'9'.repeat(500)}`,
    '/ratings/%E4%B8%80',
    '/ratings/%D9%A3',
    '/ratings/%EF%BC%91',
  ])('%s → 400 numeric product ID', async (url) => {
    const res = await app.inject(url)
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe('{"error":"please provide numeric product ID"}')
  })

  it('answers HEAD like GET without a body', async () => {
    const res = await app.inject({ method: 'HEAD', url: '/ratings/1' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe('')
  })
})

describe('GET /health', () => {
  it('says healthy outside v-unhealthy', async () => {
    const app = await appWith()
    const res = await app.inject('/health')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe('{"status":"Ratings is healthy"}')
    await app.close()
  })
})

describe('routing hygiene', () => {
  let app: FastifyInstance
  beforeAll(async () => { app = await appWith() })
  afterAll(async () => { await app.close() })

  it.each(['/', '/ratings', '/ratingsx/1', '/health/', '/health/x', '/productpage', '/%E4%B8%80'])(
    'GET %s → 404, empty body, no content type (upstream)', async (url) => {
      const res = await app.inject(url)
      expect(res.statusCode).toBe(404)
      expect(res.body).toBe('')
      expect(res.headers['content-type']).toBeUndefined()
    })

  it('POST to an unknown path → 404 empty body', async () => {
    const res = await app.inject({ method: 'POST', url: '/reviews/1', payload: '{}' })
    expect(res.statusCode).toBe(404)
    expect(res.body).toBe('')
  })

  it.each(['PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const)('%s /ratings/1 → 405 with Allow (upstream hung)', async (method) => {
    const res = await app.inject({ method, url: '/ratings/1' })
    expect(res.statusCode).toBe(405)
    expect(res.headers.allow).toBe('GET, HEAD, POST')
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.json()).toEqual({ error: `method ${method} not allowed` })
  })

  it.each(['PUT', 'DELETE', 'POST'] as const)('%s /health → 405 with Allow', async (method) => {
    const res = await app.inject({ method, url: '/health' })
    expect(res.statusCode).toBe(405)
    expect(res.headers.allow).toBe('GET, HEAD')
  })

  it('serves Prometheus metrics', async () => {
    const res = await app.inject('/metrics')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(res.body).toContain('process_cpu_user_seconds_total')
  })
})
