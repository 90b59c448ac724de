import type { FastifyInstance } from 'fastify'
import { MockAgent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { configFromEnv } from '../src/config.ts'
import { TRACE_HEADERS, reviewsBytes } from './fixtures.ts'

// The exact upstream bytes (compact), written out once in full rather than built.
const V1_BODY_0 = '{"id":"0","podname":"reviews-v1-5b4d9c6f7-xk2lp","clustername":"null","reviews":[' +
  '{"reviewer":"Reviewer1","text":"An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!"},' +
  '{"reviewer":"Reviewer2","text":"Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare."}]}'

describe('reviews v1 (ratings disabled)', () => {
  let agent: MockAgent
  let previous: Dispatcher
  let app: FastifyInstance

  beforeAll(async () => {
    // Any outbound call, through our dispatcher or the global one, would consume this interceptor or fail.
    agent = new MockAgent()
    agent.disableNetConnect()
    agent.get('http://ratings:9080').intercept({ path: /.*/ }).reply(200, '{"id":0,"ratings":{"Reviewer1":5,"Reviewer2":4}}')
    previous = getGlobalDispatcher()
    setGlobalDispatcher(agent)
    const { config } = configFromEnv({ ENABLE_RATINGS: 'false', HOSTNAME: 'reviews-v1-5b4d9c6f7-xk2lp' })
    app = await buildApp(config, undefined, { dispatcher: agent })
  })
  afterAll(async () => {
    await app.close()
    setGlobalDispatcher(previous)
    await agent.close()
  })

  it('answers the reviews without any rating key, exact bytes', async () => {
    const res = await app.inject({ method: 'GET', url: '/reviews/0', headers: TRACE_HEADERS })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe(V1_BODY_0)
  })

  it('echoes the id as a string in Java int form', async () => {
    for (const [url, id] of [['/reviews/-1', '-1'], ['/reviews/007', '7'], ['/reviews/2147483647', '2147483647']]) {
      const res = await app.inject({ method: 'GET', url: url! })
      expect(res.statusCode).toBe(200)
      expect(res.body).toBe(reviewsBytes(id!, 'reviews-v1-5b4d9c6f7-xk2lp', 'null'))
    }
  })

  it('never calls ratings', () => {
    expect(agent.pendingInterceptors()).toHaveLength(1)
  })
})
