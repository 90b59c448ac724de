import { fileURLToPath } from 'node:url'
import { getFreePort, startService, type ManagedProcess } from '@bookinfo/test-helpers'
import { runToExit } from '@bookinfo/test-helpers/raw-http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_BODY } from './build.ts'

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url))

describe('ratings as a real process', () => {
  let proc: ManagedProcess
  let base: string

  beforeAll(async () => {
    const port = await getFreePort()
    base = `http://127.0.0.1:${port}`
    proc = await startService(SERVER, { PORT: String(port) })
  })
  afterAll(async () => { await proc.stop() })

  it('serves ratings and health', async () => {
    const res = await fetch(`${base}/ratings/1`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(await res.text()).toBe(DEFAULT_BODY)
    expect(await (await fetch(`${base}/health`)).text()).toBe('{"status":"Ratings is healthy"}')
  })

  it('keeps POSTed ratings for later GETs', async () => {
    const post = await fetch(`${base}/ratings/42`, { method: 'POST', body: '{"Reviewer1":2}', headers: { 'content-type': 'application/json' } })
    expect(post.status).toBe(200)
    expect(await (await fetch(`${base}/ratings/42`)).text()).toBe('{"id":42,"ratings":{"Reviewer1":2}}')
  })

  it('answers an unknown method on a known path with 405 (upstream hung)', async () => {
    const res = await fetch(`${base}/ratings/1`, { method: 'DELETE' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST')
  })

  it('logs JSON request lines', async () => {
    await fetch(`${base}/ratings/7`)
    await expect.poll(() => proc.output(), { timeout: 5000 }).toContain('"url":"/ratings/7"')
  })

  it('exits 0 on SIGTERM', async () => {
    expect(await proc.stop('SIGTERM')).toBe(0)
  })
})

describe('ratings v2 as a real process: database credentials stay out of the logs', () => {
  it('MySQL unreachable → 500, password never logged', async () => {
    const port = await getFreePort()
    const proc = await startService(SERVER, {
      PORT: String(port),
      SERVICE_VERSION: 'v2',
      DB_TYPE: 'mysql',
      MYSQL_DB_HOST: '127.0.0.1',
      MYSQL_DB_PORT: String(await getFreePort()),
      MYSQL_DB_PASSWORD: 'mysql-secret-pw',
    })
    const res = await fetch(`http://127.0.0.1:${port}/ratings/1`)
    expect(res.status).toBe(500)
    expect(await res.text()).toBe('{"error":"could not connect to ratings database"}')
    await expect.poll(() => proc.output(), { timeout: 5000 }).toContain('connect-failed')
    expect(proc.output()).not.toContain('mysql-secret-pw')
    expect(await proc.stop()).toBe(0)
  })

  it('MongoDB unreachable → 500, URL credentials never logged', async () => {
    const port = await getFreePort()
    const proc = await startService(SERVER, {
      PORT: String(port),
      SERVICE_VERSION: 'v2',
      MONGO_DB_URL: `mongodb://ratings:mongo-secret-pw@127.0.0.1:${await getFreePort()}/test`,
      DB_CONNECT_TIMEOUT_MS: '300',
    })
    const res = await fetch(`http://127.0.0.1:${port}/ratings/1`)
    expect(res.status).toBe(500)
    expect(await res.text()).toBe('{"error":"could not connect to ratings database"}')
    await expect.poll(() => proc.output(), { timeout: 5000 }).toContain('connect-failed')
    expect(proc.output()).not.toContain('mongo-secret-pw')
    expect(await proc.stop()).toBe(0)
  })
})

describe('ratings with a bad environment', () => {
  it.each([
    ['SERVICE_VERSION', 'v3'],
    ['PORT', 'abc'],
    ['DB_TYPE', 'postgres'],
    ['MYSQL_DB_PORT', 'x'],
  ])('exits 1 naming %s', (name, value) => {
    const run = runToExit(SERVER, { [name]: value })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(name)
  })
})
