import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { getFreePort, startService, startTestServer, type ManagedProcess, type TestServer } from '@bookinfo/test-helpers'
import { checkHostile } from '@bookinfo/test-helpers/hostile'
import { checkPropagationOnTheWire, rawExchange, rawGetBytes, wireTarget } from '@bookinfo/test-helpers/hostile-wire'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BOOTSTRAP_DIST, JQUERY_DIST } from '../src/plugins/static-assets.ts'
import { DETAILS_BODY, reviewsBody } from './fixtures.ts'

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url))

let details: TestServer
let reviews: TestServer
let proc: ManagedProcess
let port: number

beforeAll(async () => {
  details = await startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(DETAILS_BODY))
  })
  reviews = await startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(reviewsBody('v2'))
  })
  port = await getFreePort()
  proc = await startService(SERVER, {
    PORT: String(port),
    HOST: '127.0.0.1',
    DETAILS_HOSTNAME: '127.0.0.1',
    DETAILS_SERVICE_PORT: String(details.port),
    REVIEWS_HOSTNAME: '127.0.0.1',
    REVIEWS_SERVICE_PORT: String(reviews.port),
    LOG_LEVEL: 'warn',
  })
})

afterAll(async () => {
  await proc?.stop()
  await details?.close()
  await reviews?.close()
})

describe('hostile input against a real productpage process (raw sockets, real backends)', () => {
  it('CR, LF or NUL in a propagated header never reaches details or reviews', async () => {
    await checkPropagationOnTheWire({ name: 'productpage: propagation on the wire (details)', port, path: '/productpage', backend: details, runs: 150 })
    // The same requests went to reviews: check what it recorded too.
    for (const request of reviews.requests) {
      for (const value of Object.values(request.headers).flat()) expect(value).not.toMatch(/[\r\n\0]/)
      expect(request.headers['x-injected']).toBeUndefined()
    }
    expect(reviews.requests.length).toBeGreaterThan(0)
  })

  it('static assets: no traversal, encoded dot or slash, backslash, source map or over-long segment reaches a file', async () => {
    const passwd = readFileSync('/etc/passwd', 'utf8').slice(0, 24)
    const pkg = readFileSync(new URL('../package.json', import.meta.url), 'utf8').slice(0, 60)
    const prefixes = ['/static/', '/static/bootstrap/', '/static/bootstrap/css/', '/static/bootstrap/fonts/', '/static/bootstrap/js/']
    await checkHostile('productpage: static traversal on the wire', wireTarget(prefixes), async (target) => {
      const res = await rawExchange(port, rawGetBytes(target, []))
      expect(res.status, target).toBeGreaterThan(0)
      expect(res.status, target).toBeLessThan(500)
      expect(res.body).not.toContain(passwd)
      expect(res.body).not.toContain(pkg)
      if (res.status === 200 && target.startsWith('/static/')) {
        // Only a plain path to a real asset answers, with that asset's bytes.
        expect(target, target).toMatch(/^\/static\/(jquery\.min\.js|bootstrap\/(css|js|fonts)\/[\w-]+(\.[\w-]+)+)$/)
        expect(target).not.toMatch(/\.map$|npm\.js$/)
        const file = target === '/static/jquery.min.js' ? `${JQUERY_DIST}/jquery.min.js` : `${BOOTSTRAP_DIST}/${target.slice('/static/bootstrap/'.length)}`
        expect(Buffer.from(res.body, 'latin1').equals(readFileSync(file))).toBe(true)
      }
    }, { runs: 300 })
    // The harness can see a file: a real asset answers 200 with its bytes.
    const css = await rawExchange(port, rawGetBytes('/static/bootstrap/css/bootstrap.min.css', []))
    expect(css.status).toBe(200)
    expect(Buffer.from(css.body, 'latin1').equals(readFileSync(`${BOOTSTRAP_DIST}/css/bootstrap.min.css`))).toBe(true)
  })

  it('the process is still up and serving after every case', async () => {
    const res = await rawExchange(port, rawGetBytes('/health', []))
    expect(res.status).toBe(200)
    expect(proc.child.exitCode).toBeNull()
  })
})
