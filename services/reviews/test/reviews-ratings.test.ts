import type { FastifyInstance } from 'fastify'
import { MockAgent } from 'undici'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { configFromEnv } from '../src/config.ts'
import { TRACE_HEADERS, UNAVAILABLE, reviewsBytes } from './fixtures.ts'

const RATINGS_0 = '{"id":0,"ratings":{"Reviewer1":5,"Reviewer2":4}}'
const POD = 'reviews-v2-7d79d5bd5d-abcde'

// The full v2 answer, written out once as the contract shows it (compact).
const V2_BODY_0 = '{"id":"0","podname":"reviews-v2-7d79d5bd5d-abcde","clustername":"null","reviews":[' +
  '{"reviewer":"Reviewer1","text":"An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!","rating":{"stars":5,"color":"black"}},' +
  '{"reviewer":"Reviewer2","text":"Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.","rating":{"stars":4,"color":"black"}}]}'

let agent: MockAgent
let app: FastifyInstance

async function start (env: Record<string, string>): Promise<void> {
  const { config } = configFromEnv({ ENABLE_RATINGS: 'true', HOSTNAME: POD, RATINGS_TIMEOUT_MS: '300', ...env })
  app = await buildApp(config, undefined, { dispatcher: agent })
}

beforeEach(() => {
  agent = new MockAgent()
  agent.disableNetConnect()
})
afterEach(async () => {
  await app?.close()
  await agent.close()
})

const ratings = () => agent.get('http://ratings:9080')

describe('reviews v2/v3 with ratings answering', () => {
  it('v2: black stars from ratings, exact bytes', async () => {
    await start({})
    ratings().intercept({ path: '/ratings/0', method: 'GET' }).reply(200, RATINGS_0, { headers: { 'content-type': 'application/json' } })
    const res = await app.inject({ method: 'GET', url: '/reviews/0' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe(V2_BODY_0)
    agent.assertNoPendingInterceptors()
  })

  it('v3: the colour comes from STAR_COLOR and the cluster from CLUSTER_NAME', async () => {
    await start({ STAR_COLOR: 'red', CLUSTER_NAME: 'west' })
    ratings().intercept({ path: '/ratings/12' }).reply(200, '{"id":12,"ratings":{"Reviewer1":3,"Reviewer2":1}}')
    const res = await app.inject({ method: 'GET', url: '/reviews/12' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe(reviewsBytes('12', POD, 'west', '{"stars":3,"color":"red"}', '{"stars":1,"color":"red"}'))
  })

  it('passes a star value of 0 through as 0', async () => {
    await start({})
    ratings().intercept({ path: '/ratings/0' }).reply(200, '{"id":0,"ratings":{"Reviewer1":0,"Reviewer2":4}}')
    const res = await app.inject({ method: 'GET', url: '/reviews/0' })
    expect(res.body).toBe(reviewsBytes('0', POD, 'null', '{"stars":0,"color":"black"}', '{"stars":4,"color":"black"}'))
  })

  it('calls <RATINGS_HOSTNAME>.<SERVICES_DOMAIN>:<RATINGS_SERVICE_PORT>', async () => {
    await start({ RATINGS_HOSTNAME: 'ratings', SERVICES_DOMAIN: 'bookinfo.svc.cluster.local', RATINGS_SERVICE_PORT: '9082' })
    agent.get('http://ratings.bookinfo.svc.cluster.local:9082').intercept({ path: '/ratings/-3' }).reply(200, RATINGS_0)
    const res = await app.inject({ method: 'GET', url: '/reviews/-3' })
    expect(res.body).toBe(reviewsBytes('-3', POD, 'null', '{"stars":5,"color":"black"}', '{"stars":4,"color":"black"}'))
    agent.assertNoPendingInterceptors()
  })

  it('sends Accept: application/json and every propagated header verbatim, and nothing else of the request', async () => {
    await start({})
    let seen: Record<string, string> = {}
    ratings().intercept({ path: '/ratings/0' }).reply((opts) => {
      seen = opts.headers as Record<string, string>
      return { statusCode: 200, data: RATINGS_0 }
    })
    const res = await app.inject({
      method: 'GET',
      url: '/reviews/0',
      headers: { ...TRACE_HEADERS, 'x-secret': 'do-not-forward', accept: 'text/html', 'x-forwarded-for': '10.1.2.3' },
    })
    expect(res.statusCode).toBe(200)
    for (const [name, value] of Object.entries(TRACE_HEADERS)) expect(seen[name], name).toBe(value)
    expect(seen.accept).toBe('application/json')
    expect(seen['x-secret']).toBeUndefined()
    expect(seen['x-forwarded-for']).toBeUndefined()
  })
})

describe('reviews v2 when ratings fails: per-review error, still 200', () => {
  const bothUnavailable = reviewsBytes('0', POD, 'null', UNAVAILABLE, UNAVAILABLE)

  it.each([
    ['503', 503, '{"error":"Service unavailable"}'],
    ['500', 500, '{"error":"could not connect to ratings database"}'],
    ['403 (RBAC denied)', 403, 'RBAC: access denied'],
    ['404', 404, ''],
    ['200 with a body that is not JSON', 200, '<html>oops</html>'],
    ['200 with an empty body', 200, ''],
    ['200 without ratings', 200, '{"error":"could not connect to ratings database"}'],
    ['200 with ratings not an object', 200, '{"id":0,"ratings":[5,4]}'],
    ['200 with a JSON array', 200, '[]'],
  ])('%s', async (_name, status, body) => {
    await start({})
    ratings().intercept({ path: '/ratings/0' }).reply(status, body)
    const res = await app.inject({ method: 'GET', url: '/reviews/0' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe(bothUnavailable)
  })

  it('a connection error', async () => {
    await start({})
    ratings().intercept({ path: '/ratings/0' }).replyWithError(new Error('connect ECONNREFUSED'))
    const res = await app.inject({ method: 'GET', url: '/reviews/0' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe(bothUnavailable)
  })

  it('a missing or non-integer reviewer key affects only that review', async () => {
    await start({})
    ratings().intercept({ path: '/ratings/0' }).reply(200, '{"id":0,"ratings":{"Reviewer2":4}}')
    ratings().intercept({ path: '/ratings/1' }).reply(200, '{"id":1,"ratings":{"Reviewer1":5,"Reviewer2":"4"}}')
    ratings().intercept({ path: '/ratings/2' }).reply(200, '{"id":2,"ratings":{"Reviewer1":4.5,"Reviewer2":null}}')
    const r0 = await app.inject({ method: 'GET', url: '/reviews/0' })
    expect(r0.body).toBe(reviewsBytes('0', POD, 'null', UNAVAILABLE, '{"stars":4,"color":"black"}'))
    const r1 = await app.inject({ method: 'GET', url: '/reviews/1' })
    expect(r1.body).toBe(reviewsBytes('1', POD, 'null', '{"stars":5,"color":"black"}', UNAVAILABLE))
    const r2 = await app.inject({ method: 'GET', url: '/reviews/2' })
    expect(r2.body).toBe(reviewsBytes('2', POD, 'null', UNAVAILABLE, UNAVAILABLE))
  })

  it('calls ratings once, never retrying a failure', async () => {
    await start({})
    let calls = 0
    ratings().intercept({ path: '/ratings/0' }).reply(() => { calls++; return { statusCode: 503, data: '' } }).persist()
    const res = await app.inject({ method: 'GET', url: '/reviews/0' })
    expect(res.body).toBe(bothUnavailable)
    expect(calls).toBe(1)
  })
})
