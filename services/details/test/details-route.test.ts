import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { STATIC_BODY } from './fixtures.ts'

const BAD_ID = '{"error":"please provide numeric product id"}'

let app: FastifyInstance
beforeAll(async () => { app = await buildApp({ externalBook: undefined }) })
afterAll(async () => { await app.close() })

describe('GET /details/<id> (static book)', () => {
  it.each([
    ['/details/0', 0],
    ['/details/7', 7],
    ['/details/-1', -1],
    ['/details/010', 10],
    ['/details/0/5', 5],
    ['/details/5?foo=bar', 5],
    ['/details/9007199254740991', 9007199254740991],
  ])('%s → 200 with id %d, exact bytes', async (url, id) => {
    const res = await app.inject({ method: 'GET', url })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe(STATIC_BODY(id))
  })

  it('answers POST like GET and ignores any body', async () => {
    for (const [type, payload] of [['application/json', '{"x":1}'], ['application/json', 'not json'], ['text/xml', '<a/>'], ['application/octet-stream', 'abc']]) {
      const res = await app.inject({ method: 'POST', url: '/details/3', headers: { 'content-type': type! }, payload })
      expect(res.statusCode).toBe(200)
      expect(res.body).toBe(STATIC_BODY(3))
    }
  })

  it('answers HEAD with headers and no body', async () => {
    const res = await app.inject({ method: 'HEAD', url: '/details/0' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe('')
  })

  it.each([
    '/details',
    '/details/',
    '/details/abc',
    '/details/0/x',
    '/details/1.5',
    '/details/0x1A',
    '/details/1_000',
    '/details/1e3',
    '/details/+1',
    '/details/%201',
    '/details/%E4%B8%80',
    '/details/%D9%A3',
    '/details/9007199254740992',
    '/details/123456789012345678901234567890',
    `/details/${'9'.repeat(500)}`,
  ])('%s → 400 please provide numeric product id', async (url) => {
    const res = await app.inject({ method: 'GET', url })
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe(BAD_ID)
  })

  it('rejects a malformed percent-escape with 400', async () => {
    const res = await app.inject({ method: 'GET', url: '/details/%zz' })
    expect(res.statusCode).toBe(400)
  })

  it('rejects a POST body over 64 KiB with 413', async () => {
    const res = await app.inject({ method: 'POST', url: '/details/1', headers: { 'content-type': 'text/plain' }, payload: 'x'.repeat(65 * 1024) })
    expect(res.statusCode).toBe(413)
    expect(res.headers['content-type']).toBe('application/json')
  })
})

describe('other routes and methods', () => {
  it.each(['/health', '/health/', '/health/deep/er'])('GET %s → healthy', async (url) => {
    const res = await app.inject({ method: 'GET', url })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe('{"status":"Details is healthy"}')
  })

  it.each(['PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const)('%s /details/1 → 405 with Allow', async (method) => {
    const res = await app.inject({ method, url: '/details/1' })
    expect(res.statusCode).toBe(405)
    expect(res.headers.allow).toBe('GET, HEAD, POST')
    expect(res.headers['content-type']).toBe('application/json')
  })

  it.each(['/', '/detail/0', '/details0', '/productpage', '/ratings/0'])('GET %s → 404 JSON', async (url) => {
    const res = await app.inject({ method: 'GET', url })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe('{"error":"not found"}')
  })

  it('serves Prometheus metrics', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('process_cpu_user_seconds_total')
  })
})
