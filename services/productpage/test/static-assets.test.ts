// The assets go through @fastify/send with our own routes (src/plugins/static-assets.ts): what a browser and a
// cache rely on must hold, every file of Bootstrap's dist folder but its maps and npm.js must be served, and the
// file on disk is the expected body.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BOOTSTRAP_DIST, JQUERY_DIST } from '../src/plugins/static-assets.ts'
import { useMockedApp } from './fixtures.ts'

const t = useMockedApp()
const CSS = '/static/bootstrap/css/bootstrap.min.css'
const cssBytes = readFileSync(join(BOOTSTRAP_DIST, 'css/bootstrap.min.css'))
const jquery = readFileSync(join(JQUERY_DIST, 'jquery.min.js'))

describe('static assets over HTTP', () => {
  it('serves every file of Bootstrap\'s dist folder but its source maps and npm.js, byte for byte', async () => {
    const files = readdirSync(BOOTSTRAP_DIST, { recursive: true, encoding: 'utf8' })
      .filter((file) => statSync(join(BOOTSTRAP_DIST, file)).isFile())
      .map((file) => file.split(sep).join('/'))
    const served = files.filter((file) => !file.endsWith('.map') && file !== 'js/npm.js')
    expect(served.length).toBeGreaterThan(10)
    for (const file of files) {
      const res = await t.app.inject({ url: `/static/bootstrap/${file}` })
      expect(res.statusCode, file).toBe(served.includes(file) ? 200 : 404)
      if (res.statusCode === 200) expect(res.rawPayload.equals(readFileSync(join(BOOTSTRAP_DIST, file))), file).toBe(true)
    }
  })

  it('HEAD gives GET\'s headers and no body', async () => {
    const get = await t.app.inject({ url: CSS })
    const head = await t.app.inject({ method: 'HEAD', url: CSS })
    expect(head.statusCode).toBe(200)
    expect(head.rawPayload.length).toBe(0)
    expect(head.headers['content-length']).toBe(String(cssBytes.length))
    expect(head.headers.etag).toBe(get.headers.etag)
    expect(head.headers['content-type']).toBe(get.headers['content-type'])
  })

  it('revalidates: the ETag and the Last-Modified date each give 304 with no body', async () => {
    const get = await t.app.inject({ url: CSS })
    expect(get.headers['cache-control']).toBe('public, max-age=0')
    expect(get.headers.etag).toMatch(/^W\/".+"$/)
    const byTag = await t.app.inject({ url: CSS, headers: { 'if-none-match': String(get.headers.etag) } })
    const byDate = await t.app.inject({ url: CSS, headers: { 'if-modified-since': String(get.headers['last-modified']) } })
    for (const res of [byTag, byDate]) {
      expect(res.statusCode).toBe(304)
      expect(res.rawPayload.length).toBe(0)
    }
    const changed = await t.app.inject({ url: CSS, headers: { 'if-none-match': 'W/"not-this-one"' } })
    expect(changed.statusCode).toBe(200)
  })

  it('answers a byte range with 206 and those bytes, an impossible one with 416', async () => {
    const part = await t.app.inject({ url: '/static/jquery.min.js', headers: { range: 'bytes=100-199' } })
    expect(part.statusCode).toBe(206)
    expect(part.headers['content-range']).toBe(`bytes 100-199/${jquery.length}`)
    expect(part.rawPayload.equals(jquery.subarray(100, 200))).toBe(true)
    const beyond = await t.app.inject({ url: '/static/jquery.min.js', headers: { range: `bytes=${jquery.length + 10}-` } })
    expect(beyond.statusCode).toBe(416)
    expect(beyond.headers['content-range']).toBe(`bytes */${jquery.length}`)
  })
})
