import { describe, expect, it } from 'vitest'
import { DETAILS_BODY, DETAILS_ORIGIN, REVIEWS_ORIGIN, count, reviewsBody, useMockedApp } from './fixtures.ts'

const t = useMockedApp()

function backends (details: { status: number, body: string }, reviews: { status: number, body: string }, reviewsTimes = 1): void {
  t.agent.get(DETAILS_ORIGIN).intercept({ path: '/details/0', method: 'GET' }).reply(details.status, details.body)
  t.agent.get(REVIEWS_ORIGIN).intercept({ path: '/reviews/0', method: 'GET' }).reply(reviews.status, reviews.body).times(reviewsTimes)
}

const OK_DETAILS = { status: 200, body: JSON.stringify(DETAILS_BODY) }

async function page (headers: Record<string, string> = {}): Promise<string> {
  const res = await t.app.inject({ url: '/productpage', headers })
  expect(res.statusCode).toBe(200)
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
  // Per-user page: a browser must not show a cached signed-in copy after sign-out.
  expect(res.headers['cache-control']).toBe('no-store')
  return res.body
}

describe('GET /productpage: markers of both template generations (contract §5.4, §8.2, §8.4)', () => {
  it('reviews v1: full document, title, brand, book details, reviews, pod name, and no star anywhere', async () => {
    backends(OK_DETAILS, { status: 200, body: reviewsBody('v1') })
    const html = await page()
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(html.match(/<title>.*<\/title>/)?.[0]).toBe('<title>Simple Bookstore App</title>')
    expect(html).toContain('BookInfo Sample')
    expect(html).toContain('The Comedy of Errors')
    // The description is trusted HTML, rendered as markup.
    expect(html).toContain("<b>William Shakespeare's</b>")
    expect(html).toContain('<a href="https://en.wikipedia.org/wiki/The_Comedy_of_Errors">Wikipedia Summary</a>')
    expect(html).toContain('Book Details')
    for (const [label, value] of [['Type', 'paperback'], ['Pages', '200'], ['Publisher', 'PublisherA'], ['Language', 'English'], ['ISBN-10', '1234567890'], ['ISBN-13', '123-1234567890']]) {
      expect(html).toMatch(new RegExp(`<dt>${label}:</dt>\\s*<dd>${value}</dd>`))
    }
    expect(html).toContain('Book Reviews')
    expect(html).toContain('Reviewer1')
    expect(html).toContain('Reviewer2')
    expect(html).toContain('An extremely entertaining play by Shakespeare.')
    expect(html).toMatch(/Reviews served by:[\s\S]*reviews-v1-7d79d5bd5d-abcde/)
    expect(html).toMatch(/reviews-v.-/)
    expect(html).not.toContain('on cluster')
    expect(html).not.toContain('glyphicon glyphicon-star')
    expect(html).not.toContain('glyphicon-star')
    expect(html).not.toContain('Error fetching')
    // Assets at the legacy relative paths.
    for (const asset of ['static/bootstrap/css/bootstrap.min.css', 'static/bootstrap/css/bootstrap-theme.min.css', 'static/jquery.min.js', 'static/bootstrap/js/bootstrap.min.js']) {
      expect(html).toContain(`"${asset}"`)
    }
  })

  it('reviews v2: black stars, 5 + 4 filled and 1 empty (legacy count of glyphicon-star >= 10)', async () => {
    backends(OK_DETAILS, { status: 200, body: reviewsBody('v2') })
    const html = await page()
    expect(count(html, '<span class="glyphicon glyphicon-star" aria-hidden="true">')).toBe(9)
    expect(count(html, 'glyphicon glyphicon-star-empty')).toBe(1)
    expect(count(html, 'glyphicon-star')).toBeGreaterThanOrEqual(10)
    expect(html).toContain('<font color="black">')
    expect(html).toContain('text-black-500')
    expect(html).not.toContain('color="red"')
  })

  it('reviews v3: red stars, both colour markers', async () => {
    backends(OK_DETAILS, { status: 200, body: reviewsBody('v3', { clustername: 'east' }) })
    const html = await page()
    expect(html).toContain('color="red"')
    expect(html).toContain('text-red-500')
    expect(count(html, 'glyphicon glyphicon-star')).toBe(10)
    expect(html).toMatch(/Reviews served by:[\s\S]*reviews-v3-7d79d5bd5d-abcde<\/u> on cluster <u>east<\/u>/)
  })

  it('a rating error shows "Ratings service is currently unavailable" per review and no stars', async () => {
    backends(OK_DETAILS, { status: 200, body: reviewsBody('v2', { ratingError: true }) })
    const html = await page()
    expect(count(html, '<p><i>Ratings service is currently unavailable</i></p>')).toBe(2)
    expect(html).not.toContain('glyphicon glyphicon-star')
  })

  it('a rating of 0 stars renders nothing, neither stars nor an error', async () => {
    const body = reviewsBody('v2').replace('"stars": 5', '"stars": 0').replace('"stars": 4', '"stars": 0')
    backends(OK_DETAILS, { status: 200, body })
    const html = await page()
    expect(html).not.toContain('glyphicon glyphicon-star')
    expect(html).not.toContain('Ratings service is currently unavailable')
  })

  it('backend strings are escaped; an odd colour falls back to black', async () => {
    const body = JSON.stringify({
      id: '0',
      podname: '<b>pod</b>',
      clustername: 'null',
      reviews: [{ reviewer: '<script>x</script>', text: 'a & "b"', rating: { stars: 9, color: '"><script>' } }],
    })
    backends({ status: 200, body: JSON.stringify({ ...DETAILS_BODY, publisher: '<i>P</i>' }) }, { status: 200, body })
    const html = await page()
    expect(html).not.toContain('<script>x')
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;')
    expect(html).toContain('&lt;b&gt;pod&lt;/b&gt;')
    expect(html).toContain('&lt;i&gt;P&lt;/i&gt;')
    expect(html).toContain('a &amp; &quot;b&quot;')
    expect(html).toContain('<font color="black">')
    // More than 5 stars are clamped to 5.
    expect(count(html, 'glyphicon glyphicon-star"')).toBe(5)
    expect(html).not.toContain('glyphicon-star-empty')
  })

  it('the query string is ignored (?u=test renders the same page)', async () => {
    backends(OK_DETAILS, { status: 200, body: reviewsBody('v1') })
    const res = await t.app.inject({ url: '/productpage?u=test' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('Book Details')
  })
})

describe('GET /productpage: backend failures become error blocks, never a 500 page', () => {
  it.each([
    ['503', 503],
    ['403 (mesh authorization denied)', 403],
    ['555 (fault injection)', 555],
    ['404', 404],
  ])('details and reviews answering %s show both error blocks', async (_label, status) => {
    backends({ status, body: 'RBAC: access denied' }, { status, body: 'RBAC: access denied' }, 2)
    const html = await page()
    expect(html).toContain('Error fetching product details!')
    expect(html).toContain('Sorry, product details are currently unavailable for this book.')
    expect(html).toContain('Error fetching product reviews!')
    expect(html).toContain('Sorry, product reviews are currently unavailable for this book.')
    expect(html).not.toContain('Book Details')
    expect(html).not.toContain('Reviews served by:')
    expect(html).not.toContain('RBAC')
    // The product itself still shows (authz-http task: "William Shakespeare" + both errors).
    expect(html).toContain('William Shakespeare')
  })

  it('a 200 whose body is not JSON is an error block', async () => {
    backends({ status: 200, body: '<html>oops' }, { status: 200, body: 'not json' }, 2)
    const html = await page()
    expect(html).toContain('Error fetching product details!')
    expect(html).toContain('Error fetching product reviews!')
  })

  it('a 200 with JSON that is not an object is an error block', async () => {
    backends({ status: 200, body: '[1,2]' }, { status: 200, body: '"text"' })
    const html = await page()
    expect(html).toContain('Error fetching product details!')
    expect(html).toContain('Error fetching product reviews!')
  })

  it('details failing alone leaves the reviews block intact', async () => {
    backends({ status: 500, body: '' }, { status: 200, body: reviewsBody('v3') })
    const html = await page()
    expect(html).toContain('Error fetching product details!')
    expect(html).not.toContain('Error fetching product reviews!')
    expect(html).toContain('text-red-500')
  })

  it('reviews failing once then answering is shown normally (2 attempts)', async () => {
    t.agent.get(DETAILS_ORIGIN).intercept({ path: '/details/0', method: 'GET' }).reply(200, JSON.stringify(DETAILS_BODY))
    t.agent.get(REVIEWS_ORIGIN).intercept({ path: '/reviews/0', method: 'GET' }).reply(503, 'busy')
    t.agent.get(REVIEWS_ORIGIN).intercept({ path: '/reviews/0', method: 'GET' }).reply(200, reviewsBody('v2'))
    const html = await page()
    expect(html).toContain('Book Reviews')
    expect(html).toContain('glyphicon glyphicon-star')
    t.agent.assertNoPendingInterceptors()
  })
})
