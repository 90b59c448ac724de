import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

export interface ManagedProcess {
  /** What messages call it (the `name` option, else the command). */
  name: string
  child: ChildProcess
  /** Everything the process wrote to stdout and stderr so far (read back from `logFile` when there is one). */
  output: () => string
  /** Where the output goes, when `logFile` was given. */
  logFile: string | undefined
  /** SIGTERM (or `signal`), then wait for exit; resolves with the exit code (or the signal name). */
  stop: (signal?: NodeJS.Signals) => Promise<number | string>
  exited: Promise<number | string>
}

export interface StartOptions {
  env?: Record<string, string | undefined>
  cwd?: string
  /** Polled until it answers (with `readyStatus` when given) or `timeoutMs` passes. */
  readyUrl?: string
  readyStatus?: number
  /** Or: resolved when this text appears in the output. */
  readyText?: string
  timeoutMs?: number
  name?: string
  /** Write the output to this file (its folder is created) instead of keeping it in memory: long runs. */
  logFile?: string
  /** `a` appends to logFile (a restarted process keeps its earlier output), default `w`. */
  logFlags?: 'w' | 'a'
}

function capture (child: ChildProcess, logFile: string | undefined, flags: 'w' | 'a' = 'w'): () => string {
  if (logFile !== undefined) {
    mkdirSync(dirname(logFile), { recursive: true })
    const log = createWriteStream(logFile, { flags })
    child.stdout?.pipe(log, { end: false })
    child.stderr?.pipe(log, { end: false })
    child.on('exit', () => log.end())
    return () => readFileSync(logFile, 'utf8')
  }
  let out = ''
  child.stdout?.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr?.on('data', (d: Buffer) => { out += d.toString() })
  return () => out
}

async function isReady (proc: ManagedProcess, opts: StartOptions): Promise<boolean> {
  if (opts.readyText !== undefined && proc.output().includes(opts.readyText)) return true
  if (opts.readyUrl === undefined) return opts.readyText === undefined
  try {
    const res = await fetch(opts.readyUrl, { signal: AbortSignal.timeout(1000) })
    await res.arrayBuffer()
    return opts.readyStatus === undefined || res.status === opts.readyStatus
  } catch {
    return false
  }
}

/** Spawns a real process (a service, a database server) and waits until it is ready. */
export async function startProcess (command: string, args: string[], opts: StartOptions = {}): Promise<ManagedProcess> {
  const child = spawn(command, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1))
  })
  const proc: ManagedProcess = {
    name: opts.name ?? command,
    child,
    output: capture(child, opts.logFile, opts.logFlags),
    logFile: opts.logFile,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
  const timeoutMs = opts.timeoutMs ?? 20_000
  // What a failure shows: the output itself, or where it is.
  const detail = () => opts.logFile === undefined ? `:\n${proc.output()}` : `; see ${opts.logFile}`
  const deadline = Date.now() + timeoutMs
  let dead: number | string | undefined
  exited.then((code) => { dead = code }, () => {})
  while (Date.now() < deadline) {
    if (dead !== undefined) throw new Error(`${proc.name} exited (${dead}) before it was ready${detail()}`)
    if (await isReady(proc, opts)) return proc
    await sleep(100)
  }
  await proc.stop('SIGKILL')
  throw new Error(`${proc.name} not ready after ${timeoutMs} ms${detail()}`)
}

/** Stops processes together: SIGTERM, then SIGKILL after `graceMs`; resolves with each exit code by name. */
export async function stopAll (procs: ManagedProcess[], graceMs = 12_000): Promise<Record<string, number | string>> {
  const codes: Record<string, number | string> = {}
  await Promise.all(procs.map(async (p) => {
    const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs)
    codes[p.name] = await p.stop('SIGTERM')
    clearTimeout(timer)
  }))
  return codes
}

/** Runs a workspace service's `src/server.ts` with Node's type stripping, as `scripts/dev.sh` does. */
export async function startService (serverTs: string, env: Record<string, string>, readyPath = '/health'): Promise<ManagedProcess> {
  const port = env.PORT ?? '9080'
  return startProcess(process.execPath, [serverTs], {
    env: { HOST: '127.0.0.1', LOG_FORMAT: 'json', ...env },
    readyUrl: `http://127.0.0.1:${port}${readyPath}`,
  })
}
