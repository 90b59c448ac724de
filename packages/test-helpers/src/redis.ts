import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getFreePort } from './ports.ts'
import { startProcess } from './process.ts'

const REDIS_SERVER = '/usr/bin/redis-server'

export interface RedisServer {
  url: string
  port: number
  stop: () => Promise<void>
}

/** A real redis-server (Debian package `redis-server`) on a free loopback port, no persistence. */
export async function startRedis (): Promise<RedisServer> {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(`${REDIS_SERVER} not found: install the Debian package redis-server (scripts/test.sh does)`)
  }
  const port = await getFreePort()
  const dir = mkdtempSync(join(tmpdir(), 'bookinfo-redis-'))
  const proc = await startProcess(REDIS_SERVER, [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
  ], { readyText: 'Ready to accept connections' })
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await proc.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
