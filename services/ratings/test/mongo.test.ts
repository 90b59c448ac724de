import { createServer, type AddressInfo, type Socket } from 'node:net'
import { getFreePort, startTestServer } from '@bookinfo/test-helpers'
import { describe, expect, it } from 'vitest'
import { starsOf } from '../src/db/source.ts'
import { appWith } from './build.ts'

// No MongoDB server can be installed on this machine (no Debian package; mongodb-memory-server downloads
// binaries): these tests cover what fails before a real server answers. See README "MongoDB".
const CONNECT_ERROR = '{"error":"could not connect to ratings database"}'

function mongoEnv (url: string): Record<string, string> {
  return { SERVICE_VERSION: 'v2', MONGO_DB_URL: url, DB_CONNECT_TIMEOUT_MS: '300', DB_QUERY_TIMEOUT_MS: '300' }
}

describe('ratings v2 with MongoDB: connection failures', () => {
  it('nothing listening on the port → 500 could not connect to ratings database', async () => {
    const app = await appWith(mongoEnv(`mongodb://127.0.0.1:${await getFreePort()}/test`))
    const res = await app.inject('/ratings/1')
    expect(res.statusCode).toBe(500)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.body).toBe(CONNECT_ERROR)
    // The client is reused: a second request fails the same way rather than hanging or crashing.
    expect((await app.inject('/ratings/2')).body).toBe(CONNECT_ERROR)
    await app.close()
  })

  it('a server that is not MongoDB (HTTP) → 500 could not connect', async () => {
    const http = await startTestServer((_req, res) => { res.end('hello') })
    const app = await appWith(mongoEnv(`mongodb://127.0.0.1:${http.port}/test`))
    const res = await app.inject('/ratings/1')
    expect(res.statusCode).toBe(500)
    expect(res.body).toBe(CONNECT_ERROR)
    await app.close()
    await http.close()
  })

  it('a server that accepts and never answers → 500 could not connect within the deadline', async () => {
    const sockets = new Set<Socket>()
    const silent = createServer((socket) => { sockets.add(socket) })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const app = await appWith(mongoEnv(`mongodb://127.0.0.1:${(silent.address() as AddressInfo).port}/test`))
    const res = await app.inject('/ratings/1')
    expect(res.statusCode).toBe(500)
    expect(res.body).toBe(CONNECT_ERROR)
    await app.close()
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => silent.close(() => resolve()))
  })

  it('POST → 501 as for MySQL', async () => {
    const app = await appWith(mongoEnv(`mongodb://127.0.0.1:${await getFreePort()}/test`))
    const res = await app.inject({ method: 'POST', url: '/ratings/1', payload: '{"Reviewer1":1}', headers: { 'content-type': 'application/json' } })
    expect(res.statusCode).toBe(501)
    expect(res.body).toBe('{"error":"Post not implemented for database backed ratings"}')
    await app.close()
  })

  it('closes cleanly whether or not it ever connected', async () => {
    const never = await appWith(mongoEnv('mongodb://127.0.0.1:1/test'))
    await expect(never.close()).resolves.toBeUndefined()
  })
})

describe('starsOf (rows or documents → Reviewer1, Reviewer2)', () => {
  it.each([
    [[5, 4], [5, 4]],
    [[3, 1, 2], [3, 1]],
    [[5], [5, 0]],
    [[], [0, 0]],
    [[null, 4], [0, 4]],
    [[undefined, 4], [0, 4]],
    [['5', 4.5], [0, 0]],
  ])('%j → %j', (values, stars) => {
    expect(starsOf(values)).toEqual(stars)
  })
})
