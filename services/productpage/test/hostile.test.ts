import { startTestServer, type TestServer } from '@bookinfo/test-helpers'
import { checkAnyRequest, checkHostile, fc, hostileCookie, hostileHeaders } from '@bookinfo/test-helpers/hostile'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { MockAgent } from 'undici'
import { buildApp } from '../src/app.ts'
import { appWith, testConfig, DETAILS_BODY, DETAILS_ORIGIN, login, mockAgent, RATINGS_BODY, RATINGS_ORIGIN, reviewsBody, REVIEWS_ORIGIN, TEST_SECRET } from './fixtures.ts'

/** Every route productpage serves in the simple login mode, as a client writes it. */
export const PRODUCTPAGE_PATHS = [
  '/', '/index.html', '/health', '/metrics', '/productpage', '/login', '/logout', '/api/v1/products', '/api/v1/products/0',
  '/api/v1/products/0/reviews', '/api/v1/products/0/ratings', '/static/jquery.min.js', '/static/bootstrap/css/bootstrap.min.css',
  '/static/bootstrap/js/bootstrap.min.js', '/static/bootstrap/fonts/glyphicons-halflings-regular.woff2',
]

let agent: MockAgent
let app: FastifyInstance
let signedIn: string

beforeAll(async () => {
  agent = mockAgent()
  // Backends that always answer: any 5xx below is productpage's own.
  for (const [origin, body] of [[DETAILS_ORIGIN, JSON.stringify(DETAILS_BODY)], [REVIEWS_ORIGIN, reviewsBody('v3')], [RATINGS_ORIGIN, RATINGS_BODY]] as const) {
    agent.get(origin).intercept({ path: () => true, method: () => true }).reply(200, body, { headers: { 'content-type': 'application/json' } }).persist()
  }
  app = await appWith(agent)
  signedIn = await login(app, 'jason')
})

afterAll(async () => {
  await app?.close()
  await agent?.close()
})

describe('hostile input against productpage (simple login, in-process)', () => {
  it('any method, path, query, header, cookie or body: never a 5xx, never a secret echoed back', async () => {
    // (Not jason's cookie among the secrets: the simple login signs the same name into the same value by design.)
    await checkAnyRequest('productpage: any request', app, { paths: PRODUCTPAGE_PATHS, runs: 400, cookie: hostileCookie([signedIn]), secrets: [TEST_SECRET] })
  })

  it('the simple login: a hostile user name or body never signs anyone in with an unsafe name', async () => {
    const name = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('jason\r\nx-injected: 1', 'a\u0000', ' jason', 'j\u00e4son', 'x'.repeat(129)))
    await checkHostile('productpage: simple login names', name, async (username) => {
      const res = await app.inject({ method: 'POST', url: '/login', payload: new URLSearchParams({ username }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      expect(res.statusCode).toBeLessThan(500)
      if (res.statusCode === 302) {
        // Accepted names are what `end-user` can carry verbatim: printable ASCII without edge spaces.
        expect(username).toMatch(/^([!-~]([ -~]*[!-~])?)?$/)
        expect(username.length).toBeLessThanOrEqual(128)
      } else {
        expect(res.headers['set-cookie']).toBeUndefined()
      }
    }, { runs: 200 })
  })
})

describe('hostile headers in-process, with a real recording backend (no MockAgent)', () => {
  let backend: TestServer
  let real: FastifyInstance

  beforeAll(async () => {
    backend = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(RATINGS_BODY)
    })
    const at = { HOSTNAME: '127.0.0.1', SERVICE_PORT: String(backend.port) }
    real = await buildApp(testConfig(Object.fromEntries(['DETAILS', 'REVIEWS', 'RATINGS'].flatMap((s) => [[`${s}_HOSTNAME`, at.HOSTNAME], [`${s}_SERVICE_PORT`, at.SERVICE_PORT]]))))
  })

  afterAll(async () => {
    await real?.close()
    await backend?.close()
  })

  it('a header value HTTP cannot carry is dropped, not a failed call: the API still answers 200 and the backend sees no CR, LF or NUL', async () => {
    await checkHostile('productpage: unsendable header values (in-process)', hostileHeaders(), async (headers) => {
      const before = backend.requests.length
      const res = await real.inject({ url: '/api/v1/products/0/ratings', headers })
      const sent = backend.requests.slice(before)
      if (res.statusCode === 431) {
        // Propagated headers past the backend's 16 KiB limit: its 431, passed through as the API does any status.
        expect(sent).toHaveLength(0)
        return
      }
      expect(res.statusCode, JSON.stringify(headers).slice(0, 300)).toBe(200)
      expect(sent).toHaveLength(1)
      for (const value of Object.values(sent[0]?.headers ?? {}).flat()) expect(value).not.toMatch(/[\r\n\0]/)
      expect(sent[0]?.headers['x-injected']).toBeUndefined()
    }, { runs: 200 })
  })
})
