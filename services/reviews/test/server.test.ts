import { fileURLToPath } from 'node:url'
import { getFreePort, startService, startTestServer, type ManagedProcess, type TestServer } from '@bookinfo/test-helpers'
import { rawRequest, runToExit } from '@bookinfo/test-helpers/raw-http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reviewsBytes } from './fixtures.ts'

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url))

async function get (port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number, body: string }> {
  const { status, body } = await rawRequest(port, path, { headers })
  return { status, body }
}

describe('reviews v2 as a real process', () => {
  let ratings: TestServer
  let proc: ManagedProcess
  let port: number

  beforeAll(async () => {
    ratings = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"id":0,"ratings":{"Reviewer1":5,"Reviewer2":4}}')
    })
    port = await getFreePort()
    proc = await startService(SERVER, {
      PORT: String(port),
      ENABLE_RATINGS: 'true',
      RATINGS_HOSTNAME: '127.0.0.1',
      RATINGS_SERVICE_PORT: String(ratings.port),
      HOSTNAME: 'reviews-v2-test',
      SERVICE_VERSION: 'v2',
      LOG_DIR: '/tmp',
    })
  })
  afterAll(async () => {
    await proc.stop()
    await ratings.close()
  })

  it('serves reviews with stars from the ratings server', async () => {
    const res = await get(port, '/reviews/0', { 'end-user': 'jason' })
    expect(res.status).toBe(200)
    expect(res.body).toBe(reviewsBytes('0', 'reviews-v2-test', 'null', '{"stars":5,"color":"black"}', '{"stars":4,"color":"black"}'))
    expect(ratings.requests.at(-1)?.headers['end-user']).toBe('jason')
  })

  it('answers an oversized request header with 431', async () => {
    const res = await get(port, '/reviews/0', { 'x-big': 'a'.repeat(20 * 1024) })
    expect(res.status).toBe(431)
  })

  it('exits 0 on SIGTERM', async () => {
    expect(await proc.stop('SIGTERM')).toBe(0)
  })
})

describe('reviews with a bad environment', () => {
  it.each([
    ['PORT', 'abc'],
    ['RATINGS_SERVICE_PORT', 'tcp://10.96.0.12:9080'],
    ['RATINGS_TIMEOUT_MS', 'fast'],
  ])('exits 1 naming %s', (name, value) => {
    const run = runToExit(SERVER, { [name]: value })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(name)
  })
})
