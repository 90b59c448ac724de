import { spawnSync } from 'node:child_process'
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { getFreePort, startService, startTestServer, type ManagedProcess, type TestServer } from '@bookinfo/test-helpers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DETAILS_BODY, TEST_SECRET, reviewsBody } from './fixtures.ts'

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url))

interface Answer { status: number, headers: Record<string, string | string[] | undefined>, body: string }

/** A raw HTTP call on a fresh connection, so the test controls headers fetch would refuse. */
async function call (port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => { text += chunk.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('productpage as a real process', () => {
  let proc: ManagedProcess
  let port: number
  let details: TestServer
  let reviews: TestServer

  beforeAll(async () => {
    details = await startTestServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(DETAILS_BODY)) })
    reviews = await startTestServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(reviewsBody('v2')) })
    port = await getFreePort()
    proc = await startService(SERVER, {
      PORT: String(port),
      DETAILS_HOSTNAME: '127.0.0.1',
      DETAILS_SERVICE_PORT: String(details.port),
      REVIEWS_HOSTNAME: '127.0.0.1',
      REVIEWS_SERVICE_PORT: String(reviews.port),
      SESSION_SECRET: TEST_SECRET,
    })
  })
  afterAll(async () => {
    await proc.stop()
    await details.close()
    await reviews.close()
  })

  it('logs in as jason over real HTTP, renders his page with stars, and sends end-user: jason', async () => {
    const login = await call(port, 'POST', '/login', { 'content-type': 'application/x-www-form-urlencoded' }, 'username=jason&passwd=password')
    expect(login.status).toBe(302)
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string
    const page = await call(port, 'GET', '/productpage', { cookie })
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>Simple Bookstore App</title>')
    expect(page.body).toContain('glyphicon glyphicon-star')
    expect(page.body).toContain('sign out')
    expect(reviews.requests.at(-1)?.headers['end-user']).toBe('jason')
    expect(reviews.requests.at(-1)?.headers.cookie).toBeUndefined()
  })

  it('a Cookie header over the server limit is refused with 431, not a crash', async () => {
    const res = await call(port, 'GET', '/productpage', { cookie: `session=${'a'.repeat(20 * 1024)}` })
    expect(res.status).toBe(431)
  })

  it('logs neither cookie values nor user names at the default (info) level', async () => {
    const login = await call(port, 'POST', '/login', { 'content-type': 'application/x-www-form-urlencoded' }, 'username=zelda-the-user&passwd=pw-secret')
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string
    await call(port, 'GET', '/productpage?marker=1', { cookie })
    await expect.poll(() => proc.output(), { timeout: 5000 }).toContain('marker=1')
    const out = proc.output()
    expect(out).not.toContain('zelda-the-user')
    expect(out).not.toContain('pw-secret')
    expect(out).not.toContain(cookie.slice('session='.length))
    expect(out).not.toContain(TEST_SECRET)
  })

  it('exits 0 on SIGTERM', async () => {
    expect(await proc.stop('SIGTERM')).toBe(0)
  })
})

describe('productpage without SESSION_SECRET', () => {
  it('starts with the development key and warns about it', async () => {
    const port = await getFreePort()
    const proc = await startService(SERVER, { PORT: String(port) })
    try {
      await expect.poll(() => proc.output(), { timeout: 5000 }).toContain('SESSION_SECRET is not set')
    } finally {
      expect(await proc.stop()).toBe(0)
    }
  })
})

describe('productpage with a bad environment', () => {
  it.each([
    ['FLOOD_FACTOR', '-1'],
    ['SESSION_SECRET', 'short'],
    ['DETAILS_SERVICE_PORT', 'http'],
  ])('%s=%s → exit 1 naming the variable', (name, value) => {
    const res = spawnSync(process.execPath, [SERVER], { env: { ...process.env, [name]: value }, encoding: 'utf8', timeout: 20_000 })
    expect(res.status).toBe(1)
    expect(res.stderr).toContain(name)
  })
})
