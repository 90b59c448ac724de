import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const REPORT_SCRIPT = fileURLToPath(new URL('../wrk/report.lua', import.meta.url))

export interface WrkOptions {
  url: string
  connections: number
  durationS: number
  headers?: Record<string, string>
  /** Milliseconds each connection waits between its requests (holds the load below peak). */
  gapMs?: number
}

/** One wrk run, as the report script prints it (latencies in µs). */
export interface WrkResult {
  requests: number
  durationUs: number
  bytes: number
  errors: { connect: number, read: number, write: number, status: number, timeout: number }
  latencyUs: { p50: number, p90: number, p99: number, max: number, mean: number }
}

export interface Sample {
  rps: number
  p50Ms: number
  p99Ms: number
  /** Responses that were not 2xx/3xx, plus socket errors and timeouts. */
  errors: number
  bytesPerResponse: number
}

/** The wrk command line for a run: one thread (the other core serves), the report script, headers. */
export function wrkArgs (opts: WrkOptions): string[] {
  const args = ['-t1', `-c${opts.connections}`, `-d${opts.durationS}s`, '--timeout', '10s', '-s', REPORT_SCRIPT]
  for (const [name, value] of Object.entries(opts.headers ?? {})) args.push('-H', `${name}: ${value}`)
  args.push(opts.url)
  if (opts.gapMs !== undefined) args.push('--', String(opts.gapMs))
  return args
}

export function parseWrkOutput (stdout: string): WrkResult {
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH-JSON '))
  if (line === undefined) throw new Error(`wrk printed no result line:\n${stdout.slice(-600)}`)
  return JSON.parse(line.slice('BENCH-JSON '.length)) as WrkResult
}

export function toSample (r: WrkResult): Sample {
  const e = r.errors
  return {
    rps: r.requests / (r.durationUs / 1e6),
    p50Ms: r.latencyUs.p50 / 1000,
    p99Ms: r.latencyUs.p99 / 1000,
    errors: e.connect + e.read + e.write + e.status + e.timeout,
    bytesPerResponse: r.requests > 0 ? Math.round(r.bytes / r.requests) : 0,
  }
}

/** Runs wrk (Debian's package) and returns its numbers; rejects when wrk fails or prints no result. */
export function runWrk (opts: WrkOptions): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', wrkArgs(opts), { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => { out += c.toString('utf8') })
    child.stderr.on('data', (c: Buffer) => { out += c.toString('utf8') })
    child.on('error', (err) => reject(new Error(`wrk could not start (${err.message}); install Debian's wrk`)))
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}:\n${out.slice(-600)}`))
      try {
        resolve(toSample(parseWrkOutput(out)))
      } catch (err) {
        reject(err)
      }
    })
  })
}
