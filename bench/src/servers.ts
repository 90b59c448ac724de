import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync, readFileSync, truncateSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/** One server process of the bench: what to run, where it listens, and what kind of code it is. */
export interface ServerSpec {
  name: string
  command: string
  args: string[]
  env: Record<string, string>
  port: number
  /** Where the code came from, for the report: `build`, `sources`, `bare`, `upstream`. */
  kind: string
}

export interface RunningServer {
  spec: ServerSpec
  child: ChildProcess
  logFile: string
  origin: string
  /** Spawn to first `/health` 200, in ms. */
  startMs: number
  stop: () => Promise<void>
  /** Resident set size now, in MiB (Linux /proc). */
  rssMiB: () => number
  /** CPU time the process (all its threads) has used so far, in ms (Linux /proc). */
  cpuMs: () => number
  /** Empties the log file (the process keeps appending to it), so a long run does not fill the disk. */
  truncateLog: () => void
}

const HOST = '127.0.0.1'

/** One GET; resolves with the status (0 when nothing answered). A fresh connection each time. */
export function probe (url: string, timeoutMs = 1000): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(0))
    req.end()
  })
}

/**
 * Starts a server with stdout and stderr appended to `<logDir>/<name>.log` (the process writes to the
 * file itself, as to a container's log pipe: the harness reads nothing while measuring), and polls
 * `/health` every few ms until it answers 200.
 */
export async function startServer (spec: ServerSpec, logDir: string, timeoutMs = 60_000): Promise<RunningServer> {
  const logFile = join(logDir, `${spec.name}.log`)
  const fd = openSync(logFile, 'a')
  const started = performance.now()
  const child = spawn(spec.command, spec.args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...spec.env },
    stdio: ['ignore', fd, fd],
  })
  closeSync(fd)
  const state: { exited?: string } = {}
  const gone = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    state.exited = String(code ?? signal)
    resolve()
  }))
  const origin = `http://${HOST}:${spec.port}`
  const deadline = started + timeoutMs
  let startMs = -1
  while (performance.now() < deadline && state.exited === undefined) {
    if (await probe(`${origin}/health`, 500) === 200) {
      startMs = performance.now() - started
      break
    }
    await sleep(5)
  }
  if (startMs < 0) {
    if (state.exited === undefined) child.kill('SIGKILL')
    const tail = readFileSync(logFile, 'utf8').slice(-800)
    throw new Error(`${spec.name} did not answer /health 200 (${state.exited === undefined ? `after ${timeoutMs} ms` : `exited ${state.exited}`}); ${logFile}:\n${tail}`)
  }
  return {
    spec,
    child,
    logFile,
    origin,
    startMs,
    stop: async () => {
      if (state.exited === undefined) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await gone
      clearTimeout(timer)
    },
    rssMiB: () => rssOf(child.pid),
    cpuMs: () => cpuOf(child.pid),
    truncateLog: () => truncateSync(logFile, 0),
  }
}

function rssOf (pid: number | undefined): number {
  if (pid === undefined) return Number.NaN
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) / 1024 : Number.NaN
}

// Linux's USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream architecture).
const TICKS_PER_S = 100

function cpuOf (pid: number | undefined): number {
  if (pid === undefined) return 0
  try {
    // Fields after the command (which is in parentheses and may hold spaces): utime is the 12th, stime the 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S
  } catch {
    return 0
  }
}

/** Stops every server, in parallel. */
export async function stopServers (servers: Iterable<RunningServer>): Promise<void> {
  await Promise.all([...servers].map((s) => s.stop()))
}

export { HOST }
