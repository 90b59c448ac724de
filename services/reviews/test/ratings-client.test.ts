import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PEER_HEADER, createPeerVerifier } from '@bookinfo/mesh-policy'
import { startTestServer, type TestServer } from '@bookinfo/test-helpers'
import { PEER_ASSERTION_REUSE_MS, createRatingsClient } from '../src/ratings-client.ts'

const SECRET = 'a-peer-secret-of-at-least-32-characters'
const PRINCIPAL = 'cluster.local/ns/bookinfo/sa/bookinfo-reviews'

describe('ratings client: source principal outside a mesh', () => {
  let ratings: TestServer
  beforeEach(async () => {
    ratings = await startTestServer((_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end('{"id":0,"ratings":{"Reviewer1":5,"Reviewer2":4}}')
    })
  })
  afterEach(async () => {
    vi.useRealTimers()
    await ratings.close()
  })

  it('sends a valid assertion, reuses it for half its lifetime, then signs a new one', async () => {
    // Only the clock is faked (sockets and timers are real): the assertion's iat/exp follow it.
    vi.useFakeTimers({ toFake: ['Date'] })
    const start = Date.now()
    const fetchRatings = createRatingsClient({ origin: ratings.url, timeoutMs: 2000, connections: 'per-call', peer: { secret: SECRET, principal: PRINCIPAL } })
    expect(await fetchRatings(0, {})).toEqual({ ok: true, ratings: { Reviewer1: 5, Reviewer2: 4 } })
    vi.setSystemTime(start + PEER_ASSERTION_REUSE_MS - 1)
    await fetchRatings(0, {})
    vi.setSystemTime(start + PEER_ASSERTION_REUSE_MS)
    await fetchRatings(0, {})
    const sent = ratings.requests.map((r) => r.headers[PEER_HEADER])
    expect(sent[0]).toBe(sent[1])
    expect(sent[2]).not.toBe(sent[1])
    const verifier = createPeerVerifier(SECRET, 'ratings')
    for (const assertion of sent) expect(await verifier.verify(assertion)).toEqual({ kind: 'verified', principal: PRINCIPAL })
  })

  it('sends no assertion without a peer secret', async () => {
    const fetchRatings = createRatingsClient({ origin: ratings.url, timeoutMs: 2000, connections: 'per-call' })
    await fetchRatings(0, { 'x-request-id': 'r1' })
    expect(ratings.requests[0]?.headers[PEER_HEADER]).toBeUndefined()
    expect(ratings.requests[0]?.headers['x-request-id']).toBe('r1')
  })
})
