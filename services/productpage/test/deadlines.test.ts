import { afterEach, describe, expect, it } from 'vitest'
import { setTimeout as sleep } from 'node:timers/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { getFreePort, startTestServer, type TestServer } from '@bookinfo/test-helpers'
import { buildApp } from '../src/app.ts'
import { DETAILS_BODY, login, reviewsBody, testConfig } from './fixtures.ts'

// Real loopback backends: deadlines, refused connections and the retry loop are about real sockets.
const TIMEOUT_MS = 200
const SLOW_MS = 1500

const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()?.()
})

async function server (handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>): Promise<TestServer> {
  const s = await startTestServer(handler)
  cleanup.push(s.close)
  return s
}

const answer = (status: number, body: string, delayMs = 0) => async (_req: IncomingMessage, res: ServerResponse) => {
  if (delayMs > 0) await sleep(delayMs)
  if (res.destroyed) return
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(body)
}

async function app (backends: { details?: string, reviews?: string, ratings?: string }, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const base = testConfig({ BACKEND_TIMEOUT_MS: String(TIMEOUT_MS), ...env })
  const a = await buildApp({ ...base, backends: { ...base.backends, ...backends } })
  cleanup.push(() => a.close())
  return a
}

/** A loopback URL nothing listens on: connections are refused. */
async function refusedUrl (): Promise<string> {
  return `http://127.0.0.1:${await getFreePort()}`
}

describe('deadlines and failures against real servers', () => {
  it('details and reviews slower than the deadline → both error blocks', async () => {
    const details = await server(answer(200, JSON.stringify(DETAILS_BODY), SLOW_MS))
    const reviews = await server(answer(200, reviewsBody('v2'), SLOW_MS))
    const res = await (await app({ details: details.url, reviews: reviews.url })).inject({ url: '/productpage' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('Error fetching product details!')
    expect(res.body).toContain('Sorry, product reviews are currently unavailable for this book.')
    // Reviews got its second attempt after the first timed out.
    expect(reviews.requests).toHaveLength(2)
    expect(details.requests).toHaveLength(1)
  })

  it('connection refused → both error blocks; API answers 500', async () => {
    const a = await app({ details: await refusedUrl(), reviews: await refusedUrl(), ratings: await refusedUrl() })
    const page = await a.inject({ url: '/productpage' })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Error fetching product details!')
    expect(page.body).toContain('Error fetching product reviews!')
    for (const url of ['/api/v1/products/0', '/api/v1/products/0/reviews', '/api/v1/products/0/ratings']) {
      const res = await a.inject({ url })
      expect(res.statusCode, url).toBe(500)
      expect(res.headers['content-type']).toBe('application/json')
    }
  })

  it('reviews: first attempt times out, second answers → 200 with the reviews', async () => {
    let calls = 0
    const reviews = await server(async (req, res) => {
      calls += 1
      await answer(200, reviewsBody('v3'), calls === 1 ? SLOW_MS : 0)(req, res)
    })
    const details = await server(answer(200, JSON.stringify(DETAILS_BODY)))
    const a = await app({ details: details.url, reviews: reviews.url })
    const page = await a.inject({ url: '/productpage' })
    expect(page.body).toContain('text-red-500')
    expect(reviews.requests).toHaveLength(2)

    calls = 0
    const api = await a.inject({ url: '/api/v1/products/0/reviews' })
    expect(api.statusCode).toBe(200)
    expect(api.json()).toMatchObject({ podname: 'reviews-v3-7d79d5bd5d-abcde' })
  })

  it('reviews: both attempts time out → 500 (no response)', async () => {
    const reviews = await server(answer(200, reviewsBody('v1'), SLOW_MS))
    const res = await (await app({ reviews: reviews.url })).inject({ url: '/api/v1/products/0/reviews' })
    expect(res.statusCode).toBe(500)
    expect(res.json()).toEqual({ error: 'Sorry, product reviews are currently unavailable for this book.' })
    expect(reviews.requests).toHaveLength(2)
  })

  it('reviews: a timeout then a 503 → 503 (the last status)', async () => {
    let calls = 0
    const reviews = await server(async (req, res) => {
      calls += 1
      await answer(503, '{"error":"Service unavailable"}', calls === 1 ? SLOW_MS : 0)(req, res)
    })
    const res = await (await app({ reviews: reviews.url })).inject({ url: '/api/v1/products/0/reviews' })
    expect(res.statusCode).toBe(503)
  })

  it('a 403 from a backend (mesh authorization) → error block on the page, 403 on the API', async () => {
    const denied = await server(async (_req, res) => { res.writeHead(403, { 'content-type': 'text/plain' }); res.end('RBAC: access denied') })
    const a = await app({ details: denied.url, reviews: denied.url })
    const page = await a.inject({ url: '/productpage' })
    expect(page.body).toContain('Error fetching product details!')
    expect(page.body).toContain('Error fetching product reviews!')
    expect(page.body).not.toContain('RBAC')
    expect((await a.inject({ url: '/api/v1/products/0' })).statusCode).toBe(403)
  })

  it('each call opens a fresh connection (no pooling: L4 balancing spreads calls over reviews versions)', async () => {
    const ports: number[] = []
    const reviews = await server(async (req, res) => {
      ports.push(req.socket.remotePort ?? 0)
      await answer(200, reviewsBody('v1'))(req, res)
    })
    const a = await app({ reviews: reviews.url })
    await a.inject({ url: '/api/v1/products/0/reviews' })
    await a.inject({ url: '/api/v1/products/0/reviews' })
    expect(ports).toHaveLength(2)
    expect(ports[0]).not.toBe(ports[1])
  })
})

describe('FLOOD_FACTOR', () => {
  it('3 → three extra reviews calls per page view, then the real one, all with the session user', async () => {
    const reviews = await server(answer(200, reviewsBody('v1')))
    const details = await server(answer(200, JSON.stringify(DETAILS_BODY)))
    const a = await app({ details: details.url, reviews: reviews.url }, { FLOOD_FACTOR: '3' })
    const cookie = await login(a, 'jason')
    const res = await a.inject({ url: '/productpage', headers: { cookie } })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('Book Reviews')
    expect(reviews.requests).toHaveLength(4)
    expect(reviews.requests.every((r) => r.url === '/reviews/0' && r.headers['end-user'] === 'jason')).toBe(true)
    expect(details.requests).toHaveLength(1)
  })

  it('failing flood calls do not affect the page; the API routes do not flood', async () => {
    let calls = 0
    const reviews = await server(async (req, res) => {
      calls += 1
      // The first two requests (flood attempts) fail; later ones succeed.
      await answer(calls <= 2 ? 503 : 200, reviewsBody('v2'))(req, res)
    })
    const a = await app({ reviews: reviews.url }, { FLOOD_FACTOR: '2' })
    const page = await a.inject({ url: '/productpage' })
    expect(page.body).toContain('glyphicon glyphicon-star')
    const before = reviews.requests.length
    await a.inject({ url: '/api/v1/products/0/reviews' })
    expect(reviews.requests.length - before).toBe(1)
  })

  it('0 (default) → exactly one reviews call', async () => {
    const reviews = await server(answer(200, reviewsBody('v1')))
    await (await app({ reviews: reviews.url })).inject({ url: '/productpage' })
    expect(reviews.requests).toHaveLength(1)
  })
})
