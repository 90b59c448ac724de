import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

export interface StackProcess {
  name: string
  url: string
  logFile: string
  child: ChildProcess
  exited: Promise<number | string>
}

export interface ProcessSpec {
  name: string
  /** Script run with this Node (type stripping: .ts sources run as they are). */
  script: string
  env: Record<string, string>
  /** Polled until it answers 200. */
  healthUrl: string
}

/** Starts one process with its output in `<logDir>/<name>.log`. */
export function spawnLogged (spec: ProcessSpec, logDir: string): StackProcess {
  mkdirSync(logDir, { recursive: true })
  const logFile = join(logDir, `${spec.name}.log`)
  const log = createWriteStream(logFile, { flags: 'w' })
  const child = spawn(process.execPath, [spec.script], {
    env: { ...process.env, LOG_FORMAT: 'json', ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.pipe(log, { end: false })
  child.stderr?.pipe(log, { end: false })
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(code ?? signal ?? -1)
      log.end()
    })
  })
  return { name: spec.name, url: spec.healthUrl, logFile, child, exited }
}

/** Waits until `url` answers 200, failing early if the process dies. */
export async function waitHealthy (proc: StackProcess, timeoutMs = 30_000): Promise<void> {
  let dead: number | string | undefined
  proc.exited.then((c) => { dead = c }, () => {})
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (dead !== undefined) throw new Error(`${proc.name} exited (${dead}) before it was healthy; see ${proc.logFile}`)
    try {
      const res = await fetch(proc.url, { signal: AbortSignal.timeout(1000) })
      if (res.status === 200) return
    } catch {}
    await sleep(100)
  }
  throw new Error(`${proc.name} not healthy after ${timeoutMs} ms; see ${proc.logFile}`)
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with each exit code. */
export async function stopAll (procs: StackProcess[], graceMs = 12_000): Promise<Record<string, number | string>> {
  const codes: Record<string, number | string> = {}
  await Promise.all(procs.map(async (p) => {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM')
    const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs)
    codes[p.name] = await p.exited
    clearTimeout(timer)
  }))
  return codes
}
