import { describe, expect, it } from 'vitest'
import { DETAILS_BODY, DETAILS_ORIGIN, RATINGS_ORIGIN, REVIEWS_ORIGIN, TRACE_HEADERS, login, reviewsBody, useMockedApp } from './fixtures.ts'

type Headers = Record<string, string>

const t = useMockedApp()

// The exact headers of upstream's two tests (contract §8.1): the mocks match only these values.
const UPSTREAM_HEADERS = {
  'x-b3-traceid': '80f198ee56343ba864fe8b2a57d3eff7',
  'x-b3-spanid': 'e457b5a2e4d86bd1',
  'x-b3-sampled': '1',
  sw8: '40c7fdf104e3de67',
}
const UPSTREAM_REVIEWS_HEADERS = { 'x-request-id': '34eeb41d-d267-9e49-8b84-dde403fc5b72', ...UPSTREAM_HEADERS }
const UPSTREAM_RATINGS_HEADERS = { 'x-request-id': '34eeb41d-d267-9e49-8b84-dde403fc5b73', ...UPSTREAM_HEADERS }

describe('contract §8.1: upstream productpage unit tests', () => {
  it('test_header_propagation_reviews: the reviews mock matches only with the exact header values', async () => {
    t.agent.get(REVIEWS_ORIGIN).intercept({
      path: '/reviews/0',
      method: 'GET',
      headers: UPSTREAM_REVIEWS_HEADERS,
    }).reply(200, '{}')
    const res = await t.app.inject({
      url: '/api/v1/products/0/reviews',
      headers: UPSTREAM_REVIEWS_HEADERS,
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({})
  })

  it('test_header_propagation_ratings: the ratings mock matches only with the exact header values', async () => {
    t.agent.get(RATINGS_ORIGIN).intercept({
      path: '/ratings/0',
      method: 'GET',
      headers: UPSTREAM_RATINGS_HEADERS,
    }).reply(200, '{}')
    const res = await t.app.inject({
      url: '/api/v1/products/0/ratings',
      headers: UPSTREAM_RATINGS_HEADERS,
    })
    expect(res.statusCode).toBe(200)
  })

  it('a different header value does not match the mock (the tests above can fail)', async () => {
    t.agent.get(REVIEWS_ORIGIN).intercept({ path: '/reviews/0', method: 'GET', headers: { 'x-request-id': 'expected' } }).reply(200, '{}')
    const res = await t.app.inject({ url: '/api/v1/products/0/reviews', headers: { 'x-request-id': 'something-else' } })
    expect(res.statusCode).toBe(500)
  })
})

/** Records the headers of every call to `origin` + `path`, answering `body`. */
function record (origin: string, path: string, body: string, times = 1): Headers[] {
  const seen: Headers[] = []
  t.agent.get(origin).intercept({ path, method: 'GET' }).reply((opts) => {
    seen.push(opts.headers as Headers)
    return { statusCode: 200, data: body }
  }).times(times)
  return seen
}

const FORWARDED = Object.keys(TRACE_HEADERS).filter((name) => name !== 'cookie' && name !== 'end-user')

describe('outbound headers', () => {
  it.each([
    ['details', '/api/v1/products/0', DETAILS_ORIGIN, '/details/0'],
    ['reviews', '/api/v1/products/0/reviews', REVIEWS_ORIGIN, '/reviews/0'],
    ['ratings', '/api/v1/products/0/ratings', RATINGS_ORIGIN, '/ratings/0'],
  ])('the API call to %s carries every propagated header verbatim, but not cookie or the incoming end-user', async (_name, url, origin, path) => {
    const seen = record(origin, path, '{}')
    const res = await t.app.inject({ url, headers: TRACE_HEADERS })
    expect(res.statusCode).toBe(200)
    expect(seen).toHaveLength(1)
    const sent = seen[0] as Headers
    for (const name of FORWARDED) expect(sent[name], name).toBe(TRACE_HEADERS[name])
    expect(sent).not.toHaveProperty('cookie')
    expect(sent).not.toHaveProperty('end-user')
  })

  it('the page calls details and reviews with the propagated headers, without cookie or the incoming end-user', async () => {
    const details = record(DETAILS_ORIGIN, '/details/0', JSON.stringify(DETAILS_BODY))
    const reviews = record(REVIEWS_ORIGIN, '/reviews/0', reviewsBody('v1'))
    const res = await t.app.inject({ url: '/productpage', headers: TRACE_HEADERS })
    expect(res.statusCode).toBe(200)
    for (const sent of [details[0], reviews[0]] as Headers[]) {
      for (const name of FORWARDED) expect(sent[name], name).toBe(TRACE_HEADERS[name])
      expect(sent).not.toHaveProperty('cookie')
      expect(sent).not.toHaveProperty('end-user')
    }
  })

  it('after signing in as jason every call carries end-user: jason, whatever end-user the client sent', async () => {
    const cookie = await login(t.app, 'jason')
    const details = record(DETAILS_ORIGIN, '/details/0', JSON.stringify(DETAILS_BODY))
    const reviews = record(REVIEWS_ORIGIN, '/reviews/0', reviewsBody('v2'), 2)
    const ratings = record(RATINGS_ORIGIN, '/ratings/0', '{}')
    await t.app.inject({ url: '/productpage', headers: { cookie, 'end-user': 'mallory' } })
    await t.app.inject({ url: '/api/v1/products/0/reviews', headers: { cookie } })
    await t.app.inject({ url: '/api/v1/products/0/ratings', headers: { cookie } })
    const all = [...details, ...reviews, ...ratings]
    expect(all).toHaveLength(4)
    for (const sent of all) {
      expect(sent['end-user']).toBe('jason')
      expect(sent).not.toHaveProperty('cookie')
    }
  })

  it('an empty user name is still a session: end-user is sent empty, as upstream', async () => {
    const cookie = await login(t.app, '')
    const seen = record(RATINGS_ORIGIN, '/ratings/0', '{}')
    await t.app.inject({ url: '/api/v1/products/0/ratings', headers: { cookie } })
    expect(seen[0]?.['end-user']).toBe('')
  })
})
