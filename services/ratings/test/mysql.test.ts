import { readFile } from 'node:fs/promises'
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { getFreePort } from '@bookinfo/test-helpers'
import { ratingsMysqlEnv, startMariaDb, type MariaDb } from '@bookinfo/test-helpers/mariadb'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { appWith } from './build.ts'

const CONNECT_ERROR = '{"error":"could not connect to ratings database"}'
const SELECT_ERROR = '{"error":"could not perform select"}'
const SEED_FILE = fileURLToPath(new URL('../db/mysql-seed.sql', import.meta.url))

// One real MariaDB (Debian's mariadbd) for the file; each test starts from the shipped seed.
let db: MariaDb
let seed: string
beforeAll(async () => {
  seed = await readFile(SEED_FILE, 'utf8')
  db = await startMariaDb({ seedFiles: [SEED_FILE] })
})
afterAll(async () => { await db?.stop() })
beforeEach(async () => {
  // A test may have left a view, a missing table or a renamed column behind; the last one stops the server.
  if (!stopped) await db.sql(`DROP VIEW IF EXISTS test.ratings; DROP TABLE IF EXISTS test.ratings;\n${seed}`)
})
let stopped = false

function mysqlEnv (over: Record<string, string> = {}): Record<string, string> {
  return {
    SERVICE_VERSION: 'v2',
    ...ratingsMysqlEnv(db),
    DB_CONNECT_TIMEOUT_MS: '2000',
    DB_QUERY_TIMEOUT_MS: '1000',
    ...over,
  }
}

async function get (app: FastifyInstance, url = '/ratings/1') {
  const res = await app.inject(url)
  return { status: res.statusCode, type: res.headers['content-type'], body: res.body }
}

/** Connections the ratings user holds open on the server right now. */
async function serverConnections (): Promise<number> {
  const out = await db.sql(`SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '${db.user}';`)
  return Number(out.trim().split('\n')[1])
}

async function eventually (check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

describe('ratings v2 with MySQL (real MariaDB)', () => {
  let app: FastifyInstance
  beforeAll(async () => { app = await appWith(mysqlEnv()) })
  afterAll(async () => { await app.close() })

  it('answers the seeded stars, row 0 → Reviewer1 and row 1 → Reviewer2', async () => {
    expect(await get(app, '/ratings/7')).toEqual({
      status: 200,
      type: 'application/json',
      body: '{"id":7,"ratings":{"Reviewer1":5,"Reviewer2":4}}',
    })
  })

  it('reads the table on every request', async () => {
    await db.sql('UPDATE test.ratings SET Rating = 2 WHERE ReviewID = 1; UPDATE test.ratings SET Rating = 1 WHERE ReviewID = 2;')
    expect((await get(app)).body).toBe('{"id":1,"ratings":{"Reviewer1":2,"Reviewer2":1}}')
  })

  it('a missing second row gives Reviewer2 0 stars', async () => {
    await db.sql('DELETE FROM test.ratings WHERE ReviewID = 2;')
    expect(await get(app)).toEqual({ status: 200, type: 'application/json', body: '{"id":1,"ratings":{"Reviewer1":5,"Reviewer2":0}}' })
  })

  it('an empty table gives 0 stars to both', async () => {
    await db.sql('DELETE FROM test.ratings;')
    expect((await get(app)).body).toBe('{"id":1,"ratings":{"Reviewer1":0,"Reviewer2":0}}')
  })

  it('a NULL rating counts as 0 stars', async () => {
    await db.sql('UPDATE test.ratings SET Rating = NULL WHERE ReviewID = 1;')
    expect((await get(app)).body).toBe('{"id":1,"ratings":{"Reviewer1":0,"Reviewer2":4}}')
  })

  it('a missing table → 500 could not perform select', async () => {
    await db.sql('DROP TABLE test.ratings;')
    expect(await get(app)).toEqual({ status: 500, type: 'application/json', body: SELECT_ERROR })
  })

  it('a table without the Rating column → 500 could not perform select', async () => {
    await db.sql('ALTER TABLE test.ratings CHANGE Rating Stars INT;')
    expect(await get(app)).toEqual({ status: 500, type: 'application/json', body: SELECT_ERROR })
  })

  it('a select slower than DB_QUERY_TIMEOUT_MS → 500 could not perform select, and the next request works', async () => {
    await db.sql('DROP TABLE test.ratings; CREATE VIEW test.ratings AS SELECT SLEEP(2) AS Rating;')
    expect(await get(app)).toEqual({ status: 500, type: 'application/json', body: SELECT_ERROR })
    await db.sql(`DROP VIEW test.ratings;\n${seed}`)
    expect((await get(app)).status).toBe(200)
  })

  it('bad ids still answer 400 before the database is asked', async () => {
    await db.sql('DROP TABLE test.ratings;')
    expect(await get(app, '/ratings/abc')).toEqual({ status: 400, type: 'application/json', body: '{"error":"please provide numeric product ID"}' })
  })

  it('POST → 501, after the id and body checks (upstream order)', async () => {
    const post = (url: string, payload: string) => app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } })
    const ok = await post('/ratings/1', '{"Reviewer1":1}')
    expect(ok.statusCode).toBe(501)
    expect(ok.headers['content-type']).toBe('application/json')
    expect(ok.body).toBe('{"error":"Post not implemented for database backed ratings"}')
    expect((await post('/ratings/x', '{"Reviewer1":1}')).statusCode).toBe(400)
    expect((await post('/ratings/1', 'nope')).body).toBe('{"error":"please provide valid ratings JSON"}')
    // Nothing was stored: GET still reads the table.
    expect((await get(app)).body).toBe('{"id":1,"ratings":{"Reviewer1":5,"Reviewer2":4}}')
  })

  it('fault hooks do not apply to v2', async () => {
    const faulty = await appWith(mysqlEnv(), { random: () => 0 })
    expect((await get(faulty)).status).toBe(200)
    await faulty.close()
  })

  it('holds at most 4 connections however many requests arrive at once', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => get(app, `/ratings/${i}`)))
    expect(results.every((r) => r.status === 200)).toBe(true)
    expect(await serverConnections()).toBeLessThanOrEqual(4)
    expect(await serverConnections()).toBeGreaterThan(0)
  })
})

describe('ratings v2 with MySQL: connection failures', () => {
  it('a wrong password → 500 could not connect to ratings database', async () => {
    const app = await appWith(mysqlEnv({ MYSQL_DB_PASSWORD: 'wrong' }))
    expect(await get(app)).toEqual({ status: 500, type: 'application/json', body: CONNECT_ERROR })
    await app.close()
  })

  it('an unknown user → 500 could not connect', async () => {
    const app = await appWith(mysqlEnv({ MYSQL_DB_USER: 'nobody' }))
    expect((await get(app)).body).toBe(CONNECT_ERROR)
    await app.close()
  })

  it('nothing listening on the port → 500 could not connect', async () => {
    const app = await appWith(mysqlEnv({ MYSQL_DB_PORT: String(await getFreePort()) }))
    expect(await get(app)).toEqual({ status: 500, type: 'application/json', body: CONNECT_ERROR })
    await app.close()
  })

  it('a pooled connection silently dropped on the path (NAT, proxy) is replaced, not reported as an error', async () => {
    const proxy = await startDroppingProxy(db.port)
    const app = await appWith(mysqlEnv({ MYSQL_DB_PORT: String(proxy.port) }))
    expect((await get(app)).status).toBe(200)
    // The idle pooled connection now resets on its next write, with no warning before.
    proxy.dropOpenConnections()
    expect(await get(app)).toEqual({ status: 200, type: 'application/json', body: '{"id":1,"ratings":{"Reviewer1":5,"Reviewer2":4}}' })
    expect(proxy.connectionsMade()).toBe(2)
    await app.close()
    await proxy.close()
  })

  it('closing the app closes its pool', async () => {
    const app = await appWith(mysqlEnv())
    await Promise.all([get(app), get(app), get(app)])
    expect(await serverConnections()).toBeGreaterThan(0)
    await app.close()
    expect(await eventually(async () => (await serverConnections()) === 0)).toBe(true)
  })

  // Last: it stops the shared server.
  it('the database stopped after serving → 500 could not connect, never a crash', async () => {
    const app = await appWith(mysqlEnv())
    expect((await get(app)).status).toBe(200)
    stopped = true
    await db.stop()
    expect(await get(app)).toEqual({ status: 500, type: 'application/json', body: CONNECT_ERROR })
    expect(await get(app)).toEqual({ status: 500, type: 'application/json', body: CONNECT_ERROR })
    await app.close()
  })
})

/**
 * A TCP proxy to the database that can make its open connections vanish the way a NAT or middlebox
 * does: nothing is sent to the client until it writes, then the connection is reset.
 */
async function startDroppingProxy (targetPort: number) {
  const open = new Set<{ client: Socket, upstream: Socket }>()
  let made = 0
  const server = createServer((client) => {
    made++
    const upstream = connect(targetPort, '127.0.0.1')
    const pair = { client, upstream }
    open.add(pair)
    client.pipe(upstream).pipe(client)
    const forget = () => { open.delete(pair); client.destroy(); upstream.destroy() }
    client.on('error', forget).on('close', forget)
    upstream.on('error', forget).on('close', forget)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    connectionsMade: () => made,
    dropOpenConnections: () => {
      for (const { client, upstream } of open) {
        open.clear()
        client.unpipe(upstream)
        upstream.unpipe(client)
        upstream.removeAllListeners('close').removeAllListeners('error').on('error', () => {})
        upstream.destroy()
        client.removeAllListeners('close').removeAllListeners('data')
        client.on('data', () => client.resetAndDestroy()).resume()
      }
    },
    close: async () => { await new Promise<void>((resolve) => server.close(() => resolve())) },
  }
}
