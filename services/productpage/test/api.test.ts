import { describe, expect, it } from 'vitest'
import { DETAILS_BODY, DETAILS_ORIGIN, RATINGS_BODY, RATINGS_ORIGIN, REVIEWS_ORIGIN, reviewsBody, useMockedApp } from './fixtures.ts'

const t = useMockedApp()

describe('GET /api/v1/products', () => {
  it('is the product list of contract §5.2, keys in order, content type exactly application/json', async () => {
    const res = await t.app.inject({ url: '/api/v1/products' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe('[{"id":0,"title":"The Comedy of Errors","descriptionHtml":"<a href=\\"https://en.wikipedia.org/wiki/The_Comedy_of_Errors\\">Wikipedia Summary</a>: The Comedy of Errors is one of <b>William Shakespeare\'s</b> early plays. It is his shortest and one of his most farcical comedies, with a major part of the humour coming from slapstick and mistaken identity, in addition to puns and word play."}]')
  })
})

const PROXIES = [
  ['details', '/api/v1/products/0', DETAILS_ORIGIN, '/details/0', 'Sorry, product details are currently unavailable for this book.'],
  ['reviews', '/api/v1/products/0/reviews', REVIEWS_ORIGIN, '/reviews/0', 'Sorry, product reviews are currently unavailable for this book.'],
  ['ratings', '/api/v1/products/0/ratings', RATINGS_ORIGIN, '/ratings/0', 'Sorry, product ratings are currently unavailable for this book.'],
] as const

describe('API proxies', () => {
  it('details: upstream JSON re-serialised, keys in upstream order', async () => {
    t.agent.get(DETAILS_ORIGIN).intercept({ path: '/details/0', method: 'GET' }).reply(200, JSON.stringify(DETAILS_BODY, null, 2))
    const res = await t.app.inject({ url: '/api/v1/products/0' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe(JSON.stringify(DETAILS_BODY))
    expect(Object.keys(res.json())).toEqual(Object.keys(DETAILS_BODY))
  })

  it('reviews and ratings bodies come through unchanged in content', async () => {
    t.agent.get(REVIEWS_ORIGIN).intercept({ path: '/reviews/0', method: 'GET' }).reply(200, reviewsBody('v3'))
    t.agent.get(RATINGS_ORIGIN).intercept({ path: '/ratings/0', method: 'GET' }).reply(200, RATINGS_BODY)
    const reviews = await t.app.inject({ url: '/api/v1/products/0/reviews' })
    expect(reviews.json()).toEqual(JSON.parse(reviewsBody('v3')))
    const ratings = await t.app.inject({ url: '/api/v1/products/0/ratings' })
    expect(ratings.body).toBe(RATINGS_BODY)
  })

  it('a JSON string or null body is re-serialised as JSON, not sent raw', async () => {
    t.agent.get(DETAILS_ORIGIN).intercept({ path: '/details/0', method: 'GET' }).reply(200, '"hello"')
    t.agent.get(RATINGS_ORIGIN).intercept({ path: '/ratings/0', method: 'GET' }).reply(200, 'null')
    expect((await t.app.inject({ url: '/api/v1/products/0' })).body).toBe('"hello"')
    expect((await t.app.inject({ url: '/api/v1/products/0/ratings' })).body).toBe('null')
  })

  it('the id is passed on normalised (leading zeros dropped)', async () => {
    t.agent.get(DETAILS_ORIGIN).intercept({ path: '/details/7', method: 'GET' }).reply(200, '{"id":7}')
    t.agent.get(DETAILS_ORIGIN).intercept({ path: '/details/-3', method: 'GET' }).reply(200, '{"id":-3}')
    expect((await t.app.inject({ url: '/api/v1/products/007' })).json()).toEqual({ id: 7 })
    expect((await t.app.inject({ url: '/api/v1/products/-3' })).json()).toEqual({ id: -3 })
  })

  for (const [name, url, origin, path, message] of PROXIES) {
    it.each([400, 403, 503, 555])(`${name}: upstream %i is passed through with the error body`, async (status) => {
      t.agent.get(origin).intercept({ path, method: 'GET' }).reply(status, '{"error":"backend text"}').times(name === 'reviews' ? 2 : 1)
      const res = await t.app.inject({ url })
      expect(res.statusCode).toBe(status)
      expect(res.headers['content-type']).toBe('application/json')
      expect(res.json()).toEqual({ error: message })
    })

    it(`${name}: no response at all is a 500 with the error body`, async () => {
      t.agent.get(origin).intercept({ path, method: 'GET' }).replyWithError(new Error('connection refused')).times(2)
      const res = await t.app.inject({ url })
      expect(res.statusCode).toBe(500)
      expect(res.json()).toEqual({ error: message })
    })

    it(`${name}: a 200 that is not JSON is a 500 with the error body`, async () => {
      t.agent.get(origin).intercept({ path, method: 'GET' }).reply(200, '<html>').times(name === 'reviews' ? 2 : 1)
      const res = await t.app.inject({ url })
      expect(res.statusCode).toBe(500)
      expect(res.json()).toEqual({ error: message })
    })
  }

  it('reviews: first attempt 503, second 200 → 200 (two calls)', async () => {
    const pool = t.agent.get(REVIEWS_ORIGIN)
    pool.intercept({ path: '/reviews/0', method: 'GET' }).reply(503, '')
    pool.intercept({ path: '/reviews/0', method: 'GET' }).reply(200, reviewsBody('v1'))
    const res = await t.app.inject({ url: '/api/v1/products/0/reviews' })
    expect(res.statusCode).toBe(200)
    t.agent.assertNoPendingInterceptors()
  })

  it('reviews: both attempts fail → the last status (first 500, then 404 → 404)', async () => {
    const pool = t.agent.get(REVIEWS_ORIGIN)
    pool.intercept({ path: '/reviews/0', method: 'GET' }).reply(500, '')
    pool.intercept({ path: '/reviews/0', method: 'GET' }).reply(404, '')
    const res = await t.app.inject({ url: '/api/v1/products/0/reviews' })
    expect(res.statusCode).toBe(404)
    t.agent.assertNoPendingInterceptors()
  })

  it('details and ratings are called once: a failure is not retried', async () => {
    t.agent.get(DETAILS_ORIGIN).intercept({ path: '/details/0', method: 'GET' }).reply(503, '')
    t.agent.get(DETAILS_ORIGIN).intercept({ path: '/details/0', method: 'GET' }).reply(200, '{}')
    t.agent.get(RATINGS_ORIGIN).intercept({ path: '/ratings/0', method: 'GET' }).reply(503, '')
    t.agent.get(RATINGS_ORIGIN).intercept({ path: '/ratings/0', method: 'GET' }).reply(200, '{}')
    expect((await t.app.inject({ url: '/api/v1/products/0' })).statusCode).toBe(503)
    expect((await t.app.inject({ url: '/api/v1/products/0/ratings' })).statusCode).toBe(503)
    // The second interceptor of each is left: no second attempt was made.
    expect(t.agent.pendingInterceptors()).toHaveLength(2)
  })
})

describe('API ids: only decimal integers reach a backend', () => {
  const BAD_IDS = ['abc', '1.5', '0x1A', '1e3', '%20', '+1', '1_000', '99999999999999999999', '9007199254740993', '%C3%A9', '%E6%9C%AC', '1%2F2', 'a.b', '-', '0%00']
  for (const suffix of ['', '/reviews', '/ratings']) {
    it.each(BAD_IDS)(`/api/v1/products/%s${suffix} → 400 JSON, no backend call`, async (id) => {
      const res = await t.app.inject({ url: `/api/v1/products/${id}${suffix}` })
      expect(res.statusCode).toBe(400)
      expect(res.headers['content-type']).toBe('application/json')
      expect(res.json()).toEqual({ error: 'please provide numeric product id' })
    })
  }

  it('a very long id segment is refused with a 4xx, not a 5xx', async () => {
    const res = await t.app.inject({ url: `/api/v1/products/${'1'.repeat(5000)}` })
    expect(res.statusCode).toBeGreaterThanOrEqual(400)
    expect(res.statusCode).toBeLessThan(500)
  })

  it('more path segments are not an API route (404)', async () => {
    const res = await t.app.inject({ url: '/api/v1/products/0/reviews/extra' })
    expect(res.statusCode).toBe(404)
  })
})
