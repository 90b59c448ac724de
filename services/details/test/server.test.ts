import { fileURLToPath } from 'node:url'
import { getFreePort, startService, type ManagedProcess } from '@bookinfo/test-helpers'
import { rawRequest, runToExit } from '@bookinfo/test-helpers/raw-http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STATIC_BODY } from './fixtures.ts'

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url))

async function get (port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number, body: string }> {
  const { status, body } = await rawRequest(port, path, { headers })
  return { status, body }
}

describe('details as a real process', () => {
  let proc: ManagedProcess
  let port: number

  beforeAll(async () => {
    port = await getFreePort()
    proc = await startService(SERVER, { PORT: String(port), SERVICE_VERSION: 'v1' })
  })
  afterAll(async () => { await proc.stop() })

  it('serves the static book', async () => {
    const res = await get(port, '/details/0')
    expect(res).toEqual({ status: 200, body: STATIC_BODY(0) })
  })

  it('answers an oversized request header with 431', async () => {
    const res = await get(port, '/details/0', { 'x-big': 'a'.repeat(20 * 1024) })
    expect(res.status).toBe(431)
  })

  it('logs JSON request lines without the authorization or cookie value', async () => {
    await get(port, '/details/1', { authorization: 'Bearer top-secret-token', cookie: 'session=secret-cookie' })
    // The log line travels through a pipe: wait for it rather than racing it.
    await expect.poll(() => proc.output(), { timeout: 5000 }).toContain('"url":"/details/1"')
    expect(proc.output()).not.toContain('top-secret-token')
    expect(proc.output()).not.toContain('secret-cookie')
  })

  it('exits 0 on SIGTERM', async () => {
    expect(await proc.stop('SIGTERM')).toBe(0)
  })
})

describe('details with a bad environment', () => {
  it.each([
    ['PORT', 'abc'],
    ['EXTERNAL_BOOK_TIMEOUT_MS', '-5'],
  ])('exits 1 naming %s', (name, value) => {
    const run = runToExit(SERVER, { [name]: value })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(name)
  })
})
