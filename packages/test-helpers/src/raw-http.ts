import { spawnSync } from 'node:child_process'
import { request } from 'node:http'

export interface RawAnswer { status: number, body: string, headers: Record<string, string | string[] | undefined> }

/**
 * One request on a fresh connection, so a test controls what fetch would refuse to send (oversized
 * headers) and a 431's closed socket is never reused.
 */
export async function rawRequest (port: number, path: string, opts: { method?: string, headers?: Record<string, string>, body?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers ?? {}, agent: false }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => { body += chunk.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

/** Runs a service's server.ts with extra env and waits for it to exit (for bad-config tests). */
export function runToExit (serverTs: string, env: Record<string, string>): { status: number | null, stderr: string } {
  const run = spawnSync(process.execPath, [serverTs], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 })
  return { status: run.status, stderr: run.stderr }
}
