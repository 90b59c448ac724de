import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getFreePort } from './ports.ts'
import { startProcess } from './process.ts'

const REDIS_SERVER = '/usr/bin/redis-server'

export interface RedisServer {
  url: string
  port: number
  /** SIGTERM (or `signal`, e.g. SIGKILL for a crash); resolves with the exit code (or signal name). */
  stop: (signal?: NodeJS.Signals) => Promise<number | string>
}

/**
 * A real redis-server (Debian package `redis-server`) on a free loopback port (or `port`, e.g. to bring a
 * stopped one back at its address), no persistence.
 */
export async function startRedis (opts: { port?: number } = {}): Promise<RedisServer> {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(`${REDIS_SERVER} not found: install the Debian package redis-server (scripts/test.sh does)`)
  }
  const port = opts.port ?? await getFreePort()
  const dir = mkdtempSync(join(tmpdir(), 'bookinfo-redis-'))
  const proc = await startProcess(REDIS_SERVER, [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
  ], { readyText: 'Ready to accept connections' })
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async (signal) => {
      const code = await proc.stop(signal)
      rmSync(dir, { recursive: true, force: true })
      return code
    },
  }
}
