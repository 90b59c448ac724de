import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { describe, expect, it } from 'vitest'
import { sleepUnlessAborted, type RatingsDeps } from '../src/world.ts'
import { appWith, DEFAULT_BODY } from './build.ts'

const UNAVAILABLE = '{"error":"Service unavailable"}'

/** A clock the test moves by hand. */
function manualClock (start = 1_000_000) {
  let t = start
  return { now: () => t, advance: (ms: number) => { t += ms } }
}

/** Records the waits the app asks for and returns at once. */
function recordingSleep () {
  const waits: number[] = []
  const sleep: RatingsDeps['sleep'] = async (ms) => { waits.push(ms) }
  return { waits, sleep }
}

async function get (app: FastifyInstance, url = '/ratings/1') {
  const res = await app.inject(url)
  return { status: res.statusCode, type: res.headers['content-type'], body: res.body }
}

describe('v-faulty', () => {
  it('fails with 503 when random() <= 0.5, as upstream', async () => {
    for (const r of [0, 0.25, 0.5]) {
      const app = await appWith({ SERVICE_VERSION: 'v-faulty' }, { random: () => r })
      expect(await get(app)).toEqual({ status: 503, type: 'application/json', body: UNAVAILABLE })
      await app.close()
    }
  })

  it('answers normally when random() > 0.5', async () => {
    const app = await appWith({ SERVICE_VERSION: 'v-faulty' }, { random: () => 0.51 })
    expect(await get(app)).toEqual({ status: 200, type: 'application/json', body: DEFAULT_BODY })
    await app.close()
  })

  it('draws once per GET', async () => {
    const draws = [0.9, 0.1, 0.7]
    const app = await appWith({ SERVICE_VERSION: 'v-faulty' }, { random: () => draws.shift() ?? 1 })
    expect((await get(app)).status).toBe(200)
    expect((await get(app)).status).toBe(503)
    expect((await get(app)).status).toBe(200)
    await app.close()
  })

  it('leaves POST, bad ids and /health alone', async () => {
    const app = await appWith({ SERVICE_VERSION: 'v-faulty' }, { random: () => 0 })
    const post = await app.inject({ method: 'POST', url: '/ratings/2', payload: '{"R":1}', headers: { 'content-type': 'application/json' } })
    expect(post.statusCode).toBe(200)
    expect((await get(app, '/ratings/x')).status).toBe(400)
    expect(await get(app, '/health')).toEqual({ status: 200, type: 'application/json', body: '{"status":"Ratings is healthy"}' })
    await app.close()
  })
})

describe('v-delayed', () => {
  it('waits delayMs before answering when random() <= 0.5', async () => {
    const { waits, sleep } = recordingSleep()
    const app = await appWith({ SERVICE_VERSION: 'v-delayed' }, { random: () => 0.5, sleep })
    expect(await get(app)).toEqual({ status: 200, type: 'application/json', body: DEFAULT_BODY })
    expect(waits).toEqual([7_000])
    await app.close()
  })

  it('answers at once when random() > 0.5', async () => {
    const { waits, sleep } = recordingSleep()
    const app = await appWith({ SERVICE_VERSION: 'v-delayed' }, { random: () => 0.9, sleep })
    expect(await get(app)).toEqual({ status: 200, type: 'application/json', body: DEFAULT_BODY })
    expect(waits).toEqual([])
    await app.close()
  })

  it('does not delay POST', async () => {
    const { waits, sleep } = recordingSleep()
    const app = await appWith({ SERVICE_VERSION: 'v-delayed' }, { random: () => 0, sleep })
    const res = await app.inject({ method: 'POST', url: '/ratings/2', payload: '{"R":1}', headers: { 'content-type': 'application/json' } })
    expect(res.statusCode).toBe(200)
    expect(waits).toEqual([])
    await app.close()
  })

  it('with the real timer: closing the app ends a pending delay and the client still gets its answer', async () => {
    const realSleep = sleepUnlessAborted
    let entered!: () => void
    const inDelay = new Promise<void>((resolve) => { entered = resolve })
    // An hour-long delay: if close did not cut it short, this test would time out.
    const app = await appWith({ SERVICE_VERSION: 'v-delayed' }, {
      random: () => 0,
      delayMs: 3_600_000,
      sleep: (ms, signal) => { entered(); return realSleep(ms, signal) },
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as AddressInfo
    const pending = fetch(`http://127.0.0.1:${port}/ratings/4`)
    await inDelay
    await app.close()
    const res = await pending
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('{"id":4,"ratings":{"Reviewer1":5,"Reviewer2":4}}')
  })
})

describe('v-unavailable', () => {
  it('starts available and flips every 60 s', async () => {
    const clock = manualClock()
    const app = await appWith({ SERVICE_VERSION: 'v-unavailable' }, { now: clock.now })
    expect(await get(app)).toEqual({ status: 200, type: 'application/json', body: DEFAULT_BODY })
    clock.advance(59_999)
    expect((await get(app)).status).toBe(200)
    clock.advance(1)
    expect(await get(app)).toEqual({ status: 503, type: 'application/json', body: UNAVAILABLE })
    clock.advance(59_999)
    expect((await get(app)).status).toBe(503)
    clock.advance(1)
    expect((await get(app)).status).toBe(200)
    clock.advance(60_000 * 3)
    expect((await get(app)).status).toBe(503)
    await app.close()
  })

  it('stays healthy and takes POSTs while unavailable', async () => {
    const clock = manualClock()
    const app = await appWith({ SERVICE_VERSION: 'v-unavailable' }, { now: clock.now })
    clock.advance(60_000)
    expect((await get(app, '/health')).status).toBe(200)
    const post = await app.inject({ method: 'POST', url: '/ratings/3', payload: '{"R":2}', headers: { 'content-type': 'text/plain' } })
    expect(post.statusCode).toBe(200)
    clock.advance(60_000)
    expect((await get(app, '/ratings/3')).body).toBe('{"id":3,"ratings":{"R":2}}')
    await app.close()
  })
})

describe('v-unhealthy', () => {
  it('starts healthy; every 15 min /health and GET /ratings flip together', async () => {
    const clock = manualClock()
    const app = await appWith({ SERVICE_VERSION: 'v-unhealthy' }, { now: clock.now })
    expect(await get(app, '/health')).toEqual({ status: 200, type: 'application/json', body: '{"status":"Ratings is healthy"}' })
    expect((await get(app)).status).toBe(200)

    clock.advance(15 * 60_000 - 1)
    expect((await get(app, '/health')).status).toBe(200)
    expect((await get(app)).status).toBe(200)

    clock.advance(1)
    expect(await get(app, '/health')).toEqual({ status: 500, type: 'application/json', body: '{"status":"Ratings is not healthy"}' })
    expect(await get(app)).toEqual({ status: 503, type: 'application/json', body: UNAVAILABLE })

    clock.advance(15 * 60_000)
    expect((await get(app, '/health')).status).toBe(200)
    expect((await get(app)).status).toBe(200)
    await app.close()
  })

  it('does not flip at the 60 s v-unavailable period', async () => {
    const clock = manualClock()
    const app = await appWith({ SERVICE_VERSION: 'v-unhealthy' }, { now: clock.now })
    clock.advance(60_000)
    expect((await get(app)).status).toBe(200)
    await app.close()
  })
})

describe('v1 ignores the fault hooks', () => {
  it('never fails, delays or flips', async () => {
    const clock = manualClock()
    const { waits, sleep } = recordingSleep()
    const app = await appWith({}, { random: () => 0, now: clock.now, sleep })
    for (const step of [0, 60_000, 15 * 60_000]) {
      clock.advance(step)
      expect((await get(app)).status).toBe(200)
      expect((await get(app, '/health')).status).toBe(200)
    }
    expect(waits).toEqual([])
    await app.close()
  })
})
