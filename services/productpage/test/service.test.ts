import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BOOTSTRAP_DIST, JQUERY_DIST } from '../src/plugins/static-assets.ts'
import { DETAILS_BODY, DETAILS_ORIGIN, REVIEWS_ORIGIN, appWith, reviewsBody, useMockedApp } from './fixtures.ts'

const t = useMockedApp()

describe('GET /health', () => {
  it('is upstream\'s exact text with Flask\'s content type', async () => {
    const res = await t.app.inject({ url: '/health' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toBe('Product page is healthy')
  })
})

describe('intro page', () => {
  it.each(['/', '/index.html'])('%s shows the heading, the service tree and the two user links', async (url) => {
    const res = await t.app.inject({ url })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toContain('Hello! This is a simple bookstore application consisting of three services as shown below')
    expect(res.body).toContain('class="table table-condensed table-bordered table-hover"')
    for (const backend of ['http://details:9080', 'http://reviews:9080', 'http://ratings:9080']) expect(res.body).toContain(backend)
    expect(res.body).toContain('<a href="/productpage?u=normal">Normal user</a>')
    expect(res.body).toContain('<a href="/productpage?u=test">Test user</a>')
  })

  it('SERVICES_DOMAIN and the port variables shape the backend URLs', async () => {
    const custom = await appWith(t.agent, { SERVICES_DOMAIN: 'bookinfo.svc.cluster.local', DETAILS_HOSTNAME: 'd', DETAILS_SERVICE_PORT: '9181' })
    const res = await custom.inject({ url: '/' })
    expect(res.body).toContain('http://d.bookinfo.svc.cluster.local:9181')
    expect(res.body).toContain('http://reviews.bookinfo.svc.cluster.local:9080')
    await custom.close()
  })
})

describe('GET /metrics', () => {
  it('counts one request_result per logical call, Prometheus text content type', async () => {
    t.agent.get(DETAILS_ORIGIN).intercept({ path: '/details/0', method: 'GET' }).reply(200, JSON.stringify(DETAILS_BODY))
    // Two reviews attempts (503 then 200) are one logical call with the final status.
    t.agent.get(REVIEWS_ORIGIN).intercept({ path: '/reviews/0', method: 'GET' }).reply(503, '')
    t.agent.get(REVIEWS_ORIGIN).intercept({ path: '/reviews/0', method: 'GET' }).reply(200, reviewsBody('v1'))
    t.agent.get(REVIEWS_ORIGIN).intercept({ path: '/reviews/0', method: 'GET' }).replyWithError(new Error('refused')).times(2)
    await t.app.inject({ url: '/productpage' })
    await t.app.inject({ url: '/api/v1/products/0/reviews' })

    const res = await t.app.inject({ url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(res.body).toContain('# HELP request_result_total Results of requests')
    expect(res.body).toContain('# TYPE request_result_total counter')
    expect(res.body).toContain('request_result_total{destination_app="details",response_code="200"} 1\n')
    expect(res.body).toContain('request_result_total{destination_app="reviews",response_code="200"} 1\n')
    expect(res.body).toContain('request_result_total{destination_app="reviews",response_code="500"} 1\n')
    expect(res.body).not.toContain('response_code="503"')
    // Default process metrics are there too (upstream had Python's collectors).
    expect(res.body).toContain('process_cpu_user_seconds_total')
  })

  it('a fresh t.app has its own registry (no counts leak between instances)', async () => {
    const res = await t.app.inject({ url: '/metrics' })
    expect(res.body).not.toContain('request_result_total{')
  })
})

describe('static assets (legacy Bootstrap 3 paths)', () => {
  it.each([
    ['/static/bootstrap/css/bootstrap.min.css', 'text/css', join(BOOTSTRAP_DIST, 'css/bootstrap.min.css')],
    ['/static/bootstrap/css/bootstrap-theme.min.css', 'text/css', join(BOOTSTRAP_DIST, 'css/bootstrap-theme.min.css')],
    ['/static/bootstrap/js/bootstrap.min.js', 'javascript', join(BOOTSTRAP_DIST, 'js/bootstrap.min.js')],
    ['/static/bootstrap/fonts/glyphicons-halflings-regular.woff2', 'font/woff2', join(BOOTSTRAP_DIST, 'fonts/glyphicons-halflings-regular.woff2')],
    ['/static/bootstrap/fonts/glyphicons-halflings-regular.woff', 'font/woff', join(BOOTSTRAP_DIST, 'fonts/glyphicons-halflings-regular.woff')],
    ['/static/bootstrap/fonts/glyphicons-halflings-regular.ttf', 'font/ttf', join(BOOTSTRAP_DIST, 'fonts/glyphicons-halflings-regular.ttf')],
    ['/static/jquery.min.js', 'javascript', join(JQUERY_DIST, 'jquery.min.js')],
  ])('%s is served as %s, byte for byte', async (url, type, file) => {
    const res = await t.app.inject({ url })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain(type)
    expect(res.rawPayload.equals(readFileSync(file))).toBe(true)
  })

  it('bootstrap is version 3 (glyphicons exist) and jQuery is 3.x', async () => {
    const css = await t.app.inject({ url: '/static/bootstrap/css/bootstrap.min.css' })
    expect(css.body).toMatch(/Bootstrap v3\.4\.1/)
    expect(css.body).toContain('.glyphicon-star')
    const jq = await t.app.inject({ url: '/static/jquery.min.js' })
    expect(jq.body).toMatch(/jQuery v3\./)
  })

  it.each([
    '/static/bootstrap/css/bootstrap.min.css.map',
    '/static/bootstrap/js/npm.js',
    '/static/bootstrap/../package.json',
    '/static/bootstrap/%2e%2e/package.json',
    '/static/jquery.js',
    '/static/',
    '/static/bootstrap/',
    '/static/img/izzy.png',
  ])('%s → 404 HTML', async (url) => {
    const res = await t.app.inject({ url })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
  })
})

describe('hygiene', () => {
  it.each(['/nope', '/productpage/extra', '/api/v1', '/api/v1/products/0/details', '/callback', '/%C3%A9'])('unknown path %s → 404 HTML', async (url) => {
    const res = await t.app.inject({ url })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toContain('Not Found')
  })

  it.each([
    ['PUT', '/productpage'],
    ['DELETE', '/productpage'],
    ['POST', '/productpage'],
    ['POST', '/api/v1/products'],
    ['PATCH', '/api/v1/products/0'],
    ['GET', '/login'],
    ['POST', '/logout'],
    ['POST', '/health'],
    ['PUT', '/static/jquery.min.js'],
    ['OPTIONS', '/productpage'],
    ['OPTIONS', '/api/v1/products/0'],
  ])('%s %s → 405 with Allow', async (method, url) => {
    const res = await t.app.inject({ method: method as 'PUT', url })
    expect(res.statusCode).toBe(405)
    expect(res.headers.allow).toBeTruthy()
  })

  it('HEAD works on pages', async () => {
    const res = await t.app.inject({ method: 'HEAD', url: '/health' })
    expect(res.statusCode).toBe(200)
  })

  it('security headers: a same-origin-only CSP without upgrade-insecure-requests, and no HSTS', async () => {
    const res = await t.app.inject({ url: '/health' })
    const csp = String(res.headers['content-security-policy'])
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('upgrade-insecure-requests')
    expect(res.headers['strict-transport-security']).toBeUndefined()
    expect(res.headers['x-content-type-options']).toBe('nosniff')
  })

  it('the page has no inline script or style (the CSP would block them)', async () => {
    t.agent.get(DETAILS_ORIGIN).intercept({ path: '/details/0', method: 'GET' }).reply(200, JSON.stringify(DETAILS_BODY))
    t.agent.get(REVIEWS_ORIGIN).intercept({ path: '/reviews/0', method: 'GET' }).reply(200, reviewsBody('v2'))
    const res = await t.app.inject({ url: '/productpage' })
    expect(res.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/)
    expect(res.body).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i)
  })
})
