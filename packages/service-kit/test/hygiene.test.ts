import { describe, expect, it } from 'vitest'
import Fastify from 'fastify'
import { hygienePlugin } from '../src/hygiene.ts'
import { createMetricsRegistry, metricsPlugin } from '../src/metrics.ts'
import { registerJsonHealth } from '../src/health.ts'
import { serverOptions } from '../src/server-options.ts'

async function build (notFound?: Parameters<typeof hygienePlugin>[1]['notFound']) {
  const app = Fastify(serverOptions(false))
  await app.register(hygienePlugin, notFound ? { notFound } : {})
  await app.register(metricsPlugin, { registry: createMetricsRegistry() })
  registerJsonHealth(app, { service: 'Details', prefix: true })
  app.get('/items/:id', async () => ({ ok: true }))
  app.get('/boom', async () => { throw new Error('secret internals at /etc/passwd') })
  app.get('/teapot', async () => { throw Object.assign(new Error('short and stout'), { statusCode: 418 }) })
  return app
}

describe('hygienePlugin', () => {
  it('answers 405 with Allow for a known path and a wrong method', async () => {
    const app = await build()
    const res = await app.inject({ method: 'DELETE', url: '/items/1' })
    expect(res.statusCode).toBe(405)
    expect(res.headers.allow).toBe('GET, HEAD')
    expect(res.json()).toEqual({ error: 'method DELETE not allowed' })
  })

  it('answers 404 for an unknown path, with the service-specific body when given', async () => {
    const app = await build()
    expect((await app.inject('/nope')).statusCode).toBe(404)
    const custom = await build((_q, reply) => reply.code(404).send())
    const res = await custom.inject('/nope')
    expect(res.statusCode).toBe(404)
    expect(res.body).toBe('')
  })

  it('hides internals of a 5xx', async () => {
    const res = await (await build()).inject('/boom')
    expect(res.statusCode).toBe(500)
    expect(res.body).not.toContain('passwd')
    expect(res.json()).toEqual({ error: 'internal server error' })
  })

  it('keeps the message of a 4xx', async () => {
    const res = await (await build()).inject('/teapot')
    expect(res.statusCode).toBe(418)
    expect(res.json()).toEqual({ error: 'short and stout' })
  })

  it('rejects malformed JSON bodies with 400, not 500', async () => {
    const app = await build()
    app.post('/echo', async (req) => req.body)
    const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{bad' })
    expect(res.statusCode).toBe(400)
  })

  it('answers 413 for bodies over the limit', async () => {
    const app = await build()
    app.post('/echo', async (req) => req.body)
    const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ a: 'x'.repeat(70 * 1024) }) })
    expect(res.statusCode).toBe(413)
  })
})

describe('health and metrics', () => {
  it('serves the upstream health body, also below /health/', async () => {
    const app = await build()
    for (const url of ['/health', '/health/deep']) {
      const res = await app.inject(url)
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toBe('application/json')
      expect(res.body).toBe('{"status":"Details is healthy"}')
    }
  })

  it('reports unhealthy with 500', async () => {
    const app = Fastify()
    registerJsonHealth(app, { service: 'Ratings', isHealthy: () => false })
    const res = await app.inject('/health')
    expect(res.statusCode).toBe(500)
    expect(res.body).toBe('{"status":"Ratings is not healthy"}')
  })

  it('serves Prometheus text with the exposition content type', async () => {
    const res = await (await build()).inject('/metrics')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(res.body).toContain('process_cpu_user_seconds_total')
  })
})

describe('framework errors', () => {
  it('answers a malformed URL with a JSON 400 that does not echo it', async () => {
    const app = await build()
    const res = await app.inject('/items/%zz<script>')
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({ error: 'malformed request' })
  })

  it('answers an over-long parameter with 414', async () => {
    const app = await build()
    const res = await app.inject(`/items/${'1'.repeat(300)}`)
    expect(res.statusCode).toBe(414)
    expect(res.json()).toEqual({ error: 'URI too long' })
  })
})

describe('route schemas (compiled without the meta-schema check)', () => {
  it.each([
    [{ type: 'object', properties: { id: { type: 'string', maxLenght: 3 } } }, /unknown keyword: "maxLenght"/],
    [{ type: 'object', properties: { id: { type: 'strin' } } }, /type must be JSONType/],
    [{ type: 'object', properties: { id: { type: 'string', maxLength: '3' } } }, /maxLength value must be/],
  ])('a broken schema still stops the app at start-up: %j', async (params, message) => {
    const app = Fastify(serverOptions(false))
    app.get('/items/:id', { schema: { params } }, async () => ({}))
    await expect(app.ready()).rejects.toThrow(message)
  })

  it('validates and coerces as before', async () => {
    const app = Fastify(serverOptions(false))
    app.get('/items/:id', { schema: { params: { type: 'object', properties: { id: { type: 'integer', maximum: 9 } } } } }, async (req) => req.params)
    expect((await app.inject('/items/7')).json()).toEqual({ id: 7 })
    expect((await app.inject('/items/70')).statusCode).toBe(400)
  })
})

describe('callNotFound from a matched route', () => {
  it('is a 404, not a 405', async () => {
    const app = await build()
    app.get('/files/*', async (_req, reply) => reply.callNotFound())
    const res = await app.inject('/files/missing.css')
    expect(res.statusCode).toBe(404)
  })
})
