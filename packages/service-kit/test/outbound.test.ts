import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MockAgent } from 'undici'
import { startTestServer, type TestServer } from '@bookinfo/test-helpers'
import { fetchWithAttempts, fetchWithDeadline, parseJson } from '../src/outbound.ts'

describe('fetchWithDeadline (MockAgent)', () => {
  let agent: MockAgent
  beforeEach(() => {
    agent = new MockAgent()
    agent.disableNetConnect()
  })
  afterEach(async () => { await agent.close() })

  it('returns status, text and content type as a value', async () => {
    agent.get('http://details:9080').intercept({ path: '/details/0', method: 'GET' })
      .reply(200, '{"id":0}', { headers: { 'content-type': 'application/json' } })
    const r = await fetchWithDeadline('http://details:9080/details/0', { timeoutMs: 1000, dispatcher: agent })
    expect(r).toEqual({ kind: 'response', status: 200, text: '{"id":0}', contentType: 'application/json' })
  })

  it('passes non-200 statuses through as responses', async () => {
    agent.get('http://details:9080').intercept({ path: '/details/0' }).reply(555, 'fault')
    const r = await fetchWithDeadline('http://details:9080/details/0', { timeoutMs: 1000, dispatcher: agent })
    expect(r).toMatchObject({ kind: 'response', status: 555, text: 'fault' })
  })

  it('sends the given headers', async () => {
    agent.get('http://reviews:9080').intercept({ path: '/reviews/0', headers: { 'end-user': 'jason' } }).reply(200, '{}')
    const r = await fetchWithDeadline('http://reviews:9080/reviews/0', { timeoutMs: 1000, dispatcher: agent, headers: { 'end-user': 'jason' } })
    expect(r).toMatchObject({ kind: 'response', status: 200 })
  })

  it('turns a connection error into a network failure', async () => {
    agent.get('http://ratings:9080').intercept({ path: '/ratings/0' }).replyWithError(new Error('ECONNREFUSED'))
    const r = await fetchWithDeadline('http://ratings:9080/ratings/0', { timeoutMs: 1000, dispatcher: agent })
    expect(r).toMatchObject({ kind: 'failure', reason: 'network' })
  })

  it('refuses bodies over maxBodyBytes', async () => {
    agent.get('http://details:9080').intercept({ path: '/big' }).reply(200, 'x'.repeat(2048))
    const r = await fetchWithDeadline('http://details:9080/big', { timeoutMs: 1000, dispatcher: agent, maxBodyBytes: 1024 })
    expect(r).toMatchObject({ kind: 'failure', reason: 'too-large' })
  })
})

describe('deadlines and attempts (real loopback servers)', () => {
  let slow: TestServer
  let flaky: TestServer
  let calls = 0
  beforeEach(async () => {
    calls = 0
    // Sends headers at once and the body only after 2 s: the deadline must cover the body too.
    slow = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{')
      setTimeout(() => res.end('}'), 2000).unref()
    })
    flaky = await startTestServer((_req, res) => {
      calls++
      if (calls === 1) { setTimeout(() => res.end('late'), 2000).unref(); return }
      res.end('ok')
    })
  })
  afterEach(async () => {
    await slow.close()
    await flaky.close()
  })

  it('gives up when the body is slower than the deadline', async () => {
    const r = await fetchWithDeadline(`${slow.url}/x`, { timeoutMs: 200 })
    expect(r).toMatchObject({ kind: 'failure', reason: 'timeout' })
  })

  it('does not reuse connections (each call asks to close)', async () => {
    await fetchWithDeadline(`${flaky.url}/a`, { timeoutMs: 3000 })
    expect(flaky.requests[0]?.headers.connection).toBe('close')
  })

  it('retries a timed-out attempt and returns the second answer', async () => {
    const r = await fetchWithAttempts(`${flaky.url}/r`, { timeoutMs: 300, attempts: 2 })
    expect(r).toMatchObject({ kind: 'response', status: 200, text: 'ok' })
    expect(flaky.requests).toHaveLength(2)
  })

  it('stops after the given number of attempts and returns the last failure', async () => {
    const r = await fetchWithAttempts(`${slow.url}/r`, { timeoutMs: 200, attempts: 2 })
    expect(r).toMatchObject({ kind: 'failure', reason: 'timeout' })
    expect(slow.requests).toHaveLength(2)
  })

  it('a connection refused on every attempt is a network failure', async () => {
    const closed = await startTestServer((_q, s) => { s.end() })
    await closed.close()
    const r = await fetchWithAttempts(`${closed.url}/r`, { timeoutMs: 500, attempts: 2 })
    expect(r).toMatchObject({ kind: 'failure', reason: 'network' })
  })
})

describe('connection policy (real loopback server)', () => {
  let server: TestServer
  const ports: number[] = []
  beforeEach(async () => {
    ports.length = 0
    server = await startTestServer((req, res) => {
      ports.push(req.socket.remotePort ?? 0)
      res.end('ok')
    })
  })
  afterEach(async () => { await server.close() })

  it('per-call (the default): each call on a new connection that it asks to close', async () => {
    await fetchWithDeadline(`${server.url}/a`, { timeoutMs: 3000 })
    await fetchWithDeadline(`${server.url}/b`, { timeoutMs: 3000, connections: 'per-call' })
    expect(server.requests.map((r) => r.headers.connection)).toEqual(['close', 'close'])
    expect(new Set(ports).size).toBe(2)
  })

  it('pooled: calls keep their connections open and later calls reuse them', async () => {
    for (const path of ['/a', '/b', '/c', '/d']) {
      expect(await fetchWithDeadline(`${server.url}${path}`, { timeoutMs: 3000, connections: 'pooled' })).toMatchObject({ kind: 'response', status: 200, text: 'ok' })
    }
    expect(server.requests.map((r) => r.headers.connection)).toEqual(['keep-alive', 'keep-alive', 'keep-alive', 'keep-alive'])
    // A connection goes back to the pool a moment after its answer, so the next call may open a second one.
    expect(new Set(ports).size).toBeLessThan(ports.length)
  })
})

describe('parseJson', () => {
  it('parses JSON and returns undefined otherwise', () => {
    expect(parseJson('{"a":1}')).toEqual({ a: 1 })
    expect(parseJson('<html>')).toBeUndefined()
  })
})
