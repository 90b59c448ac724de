import { afterEach, beforeEach } from 'vitest'
import { TRACE_HEADERS as SHARED_TRACE_HEADERS } from '@bookinfo/test-helpers/trace-headers'
import type { FastifyInstance } from 'fastify'
import { MockAgent } from 'undici'
import { buildApp } from '../src/app.ts'
import { configFromEnv, type ProductpageConfig } from '../src/config.ts'

export const TEST_SECRET = 'test-secret-that-is-long-enough-0123456789'

export const DETAILS_ORIGIN = 'http://details:9080'
export const REVIEWS_ORIGIN = 'http://reviews:9080'
export const RATINGS_ORIGIN = 'http://ratings:9080'

/** Config as the environment would give it (defaults), with a test signing key and overrides. */
export function testConfig (env: Record<string, string> = {}, overrides: Partial<ProductpageConfig> = {}): ProductpageConfig {
  const { config } = configFromEnv({ SESSION_SECRET: TEST_SECRET, ...env })
  return { ...config, ...overrides }
}

/** A MockAgent that refuses every real connection: an unexpected call fails the test instead of leaving. */
export function mockAgent (): MockAgent {
  const agent = new MockAgent()
  agent.disableNetConnect()
  return agent
}

/**
 * Registers beforeEach/afterEach hooks giving each test a fresh MockAgent (no network) and an app on it;
 * read them as `t.agent` and `t.app` inside tests.
 */
export function useMockedApp (): { readonly agent: MockAgent, readonly app: FastifyInstance } {
  const t = {} as { agent: MockAgent, app: FastifyInstance }
  beforeEach(async () => {
    t.agent = mockAgent()
    t.app = await appWith(t.agent)
  })
  afterEach(async () => {
    await t.app.close()
    await t.agent.close()
  })
  return t
}

export async function appWith (agent: MockAgent, env: Record<string, string> = {}, overrides: Partial<ProductpageConfig> = {}): Promise<FastifyInstance> {
  return buildApp(testConfig(env, overrides), undefined, { dispatcher: agent })
}

/** Upstream details v1 for product 0. */
export const DETAILS_BODY = {
  id: 0,
  author: 'William Shakespeare',
  year: 1595,
  type: 'paperback',
  pages: 200,
  publisher: 'PublisherA',
  language: 'English',
  'ISBN-10': '1234567890',
  'ISBN-13': '123-1234567890',
}

const REVIEW_TEXT_1 = 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!'
const REVIEW_TEXT_2 = 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.'

/** Reviews bodies as reviews v1/v2/v3 send them (with upstream's spacing). */
export function reviewsBody (version: 'v1' | 'v2' | 'v3', opts: { ratingError?: boolean, podname?: string, clustername?: string } = {}): string {
  const color = version === 'v3' ? 'red' : 'black'
  const rating = (stars: number) => {
    if (version === 'v1') return ''
    return opts.ratingError
      ? ', "rating": {"error": "Ratings service is currently unavailable"}'
      : `, "rating": {"stars": ${stars}, "color": "${color}"}`
  }
  const podname = opts.podname ?? `reviews-${version}-7d79d5bd5d-abcde`
  return `{"id": "0","podname": "${podname}","clustername": "${opts.clustername ?? 'null'}","reviews": [` +
    `{  "reviewer": "Reviewer1",  "text": "${REVIEW_TEXT_1}"${rating(5)}},` +
    `{  "reviewer": "Reviewer2",  "text": "${REVIEW_TEXT_2}"${rating(4)}}]}`
}

export const RATINGS_BODY = '{"id":0,"ratings":{"Reviewer1":5,"Reviewer2":4}}'

/**
 * A distinct value for every header of contract §1.1 (the kit's list), to check each one arrives verbatim;
 * `end-user` and `cookie` are ones productpage must NOT forward (it sets `end-user` from its session).
 */
export const TRACE_HEADERS: Record<string, string> = { ...SHARED_TRACE_HEADERS, 'end-user': 'mallory', cookie: 'theme=dark; other=1' }

/** Signs in through POST /login and returns the `name=value` pair to send back as Cookie. */
export async function login (app: FastifyInstance, username: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/login', payload: new URLSearchParams({ username, passwd: 'password' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  if (res.statusCode !== 302) throw new Error(`login answered ${res.statusCode}: ${res.body}`)
  const setCookie = res.headers['set-cookie']
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie
  if (!first) throw new Error('login set no cookie')
  return first.split(';')[0] as string
}

/** Non-overlapping occurrences of `needle` in `haystack`. */
export function count (haystack: string, needle: string): number {
  return haystack.split(needle).length - 1
}
