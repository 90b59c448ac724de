import { createPool, type PoolConnection, type RowDataPacket } from 'mysql2/promise'
import type { DatabaseConfig } from '../config.ts'
import { starsOf, type RatingsSource } from './source.ts'

/**
 * MySQL/MariaDB through a small bounded pool (upstream opened a connection per request): at most 4
 * connections, a bounded wait queue, and deadlines on connect and on the query, so a dead or slow
 * database becomes a quick error rather than piled-up requests.
 */
export function mysqlSource ({ mysql, connectTimeoutMs, queryTimeoutMs }: DatabaseConfig): RatingsSource {
  const pool = createPool({
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
  })

  return {
    async load () {
      let conn: PoolConnection | undefined
      try {
        conn = await pool.getConnection()
      } catch (cause) {
        return { kind: 'connect-failed', cause }
      }
      try {
        const [rows] = await conn.query<RowDataPacket[]>({ sql: 'SELECT Rating FROM ratings', timeout: queryTimeoutMs })
        return { kind: 'ok', stars: starsOf(rows.map((row) => row.Rating)) }
      } catch (cause) {
        // A connection that failed mid-query (server gone, timeout) must not go back to the pool.
        conn.destroy()
        conn = undefined
        return { kind: 'query-failed', cause }
      } finally {
        conn?.release()
      }
    },
    async close () {
      await pool.end()
    },
  }
}
