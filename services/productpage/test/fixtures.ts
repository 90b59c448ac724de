import { PROPAGATED_HEADERS } from '@bookinfo/service-kit'
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

/** A distinct value for every header of contract §1.1 (the kit's list), to check each one arrives verbatim. */
export const TRACE_HEADERS: Record<string, string> = {
  'x-request-id': '34eeb41d-d267-9e49-8b84-dde403fc5b72',
  'x-ot-span-context': 'ot-span-context-value',
  'x-datadog-trace-id': '1234567890123',
  'x-datadog-parent-id': '9876543210',
  'x-datadog-sampling-priority': '1',
  traceparent: '00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01',
  tracestate: 'vendor=opaque',
  'x-cloud-trace-context': '105445aa7843bc8bf206b120001000/1;o=1',
  'grpc-trace-bin': 'AAARf5iFyewQ3tPdkxRmbBAB',
  'x-b3-traceid': '80f198ee56343ba864fe8b2a57d3eff7',
  'x-b3-spanid': 'e457b5a2e4d86bd1',
  'x-b3-parentspanid': '05e3ac9a4f6e3b90',
  'x-b3-sampled': '1',
  'x-b3-flags': '0',
  b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90',
  sw8: '40c7fdf104e3de67',
  'end-user': 'mallory',
  'user-agent': 'bookinfo-test/1.0',
  cookie: 'theme=dark; other=1',
  authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.test.signature',
  jwt: 'eyJhbGciOiJSUzI1NiJ9.jwt.signature',
}

// The fixture follows the kit's list: a header added there is then checked here too.
for (const name of PROPAGATED_HEADERS) {
  if (!(name in TRACE_HEADERS)) throw new Error(`fixture lacks propagated header ${name}`)
}

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
