import type { Pool, RowDataPacket } from 'mysql2/promise'
import { loadCommonJs } from '@bookinfo/service-kit'
import type { DatabaseConfig } from '../config.ts'
import { starsOf, type LoadResult, type RatingsSource } from './source.ts'

/**
 * MySQL/MariaDB through a small bounded pool (upstream opened a connection per request): at most 4
 * connections, a bounded wait queue, and deadlines on connect and on the query, so a dead or slow
 * database becomes a quick error rather than piled-up requests.
 */
export function mysqlSource ({ mysql, connectTimeoutMs, queryTimeoutMs }: DatabaseConfig): RatingsSource {
  // The driver is loaded with the first query: ratings v1 (the default) never needs it, and loading it
  // at start-up cost every ratings process tens of milliseconds and several MiB.
  let pool: Promise<Pool> | undefined
  const poolOnce = (): Promise<Pool> => (pool ??= loadCommonJs(import('mysql2/promise')).then(({ createPool }) => createPool({
    host: mysql.host,
    port: mysql.port,
    user: mysql.user,
    password: mysql.password,
    database: 'test',
    connectTimeout: connectTimeoutMs,
    connectionLimit: 4,
    maxIdle: 4,
    idleTimeout: 60_000,
    queueLimit: 100,
    waitForConnections: true,
    enableKeepAlive: true,
  })))

  return {
    async load () {
      const first = await selectOnce(await poolOnce(), queryTimeoutMs)
      // A pooled connection the server dropped while idle says nothing about the database: try a fresh one.
      if (first.kind !== 'stale') return first
      const second = await selectOnce(await poolOnce(), queryTimeoutMs)
      return second.kind === 'stale' ? { kind: 'connect-failed', cause: second.cause } : second
    },
    async close () {
      await (await pool)?.end()
    },
  }
}

type Attempt = LoadResult | { kind: 'stale', cause: unknown }

async function selectOnce (pool: Pool, queryTimeoutMs: number): Promise<Attempt> {
  let conn
  try {
    conn = await pool.getConnection()
  } catch (cause) {
    return { kind: 'connect-failed', cause }
  }
  try {
    const [rows] = await conn.query<RowDataPacket[]>({ sql: 'SELECT Rating FROM ratings', timeout: queryTimeoutMs })
    conn.release()
    return { kind: 'ok', stars: starsOf(rows.map((row) => row.Rating)) }
  } catch (cause) {
    // Whatever went wrong, this connection does not go back to the pool.
    conn.destroy()
    const { fatal, code } = cause as { fatal?: boolean, code?: string }
    if (fatal === true && code !== 'PROTOCOL_SEQUENCE_TIMEOUT') return { kind: 'stale', cause }
    return { kind: 'query-failed', cause }
  }
}
