import { spawn, type ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'

export interface ManagedProcess {
  child: ChildProcess
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string
  /** SIGTERM, then wait for exit; resolves with the exit code (or the signal name). */
  stop: (signal?: NodeJS.Signals) => Promise<number | string>
  exited: Promise<number | string>
}

export interface StartOptions {
  env?: Record<string, string | undefined>
  cwd?: string
  /** Polled until it answers (any HTTP status) or `timeoutMs` passes. */
  readyUrl?: string
  /** Or: resolved when this text appears in the output. */
  readyText?: string
  timeoutMs?: number
}

/** Spawns a real process (a service, a database server) and waits until it is ready. */
export async function startProcess (command: string, args: string[], opts: StartOptions = {}): Promise<ManagedProcess> {
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr?.on('data', (d: Buffer) => { out += d.toString() })
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1))
  })
  const managed: ManagedProcess = {
    child,
    output: () => out,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000)
  let done = false
  exited.then(() => { done = true }, () => {})
  while (Date.now() < deadline) {
    if (done) throw new Error(`${command} exited before it was ready:\n${out}`)
    if (opts.readyText && out.includes(opts.readyText)) return managed
    if (opts.readyUrl) {
      try {
        await fetch(opts.readyUrl, { signal: AbortSignal.timeout(1000) })
        return managed
      } catch {}
    }
    if (!opts.readyUrl && !opts.readyText) return managed
    await sleep(100)
  }
  await managed.stop('SIGKILL')
  throw new Error(`${command} not ready after ${opts.timeoutMs ?? 20_000} ms:\n${out}`)
}

/** Runs a workspace service's `src/server.ts` with Node's type stripping, as `scripts/dev.sh` does. */
export async function startService (serverTs: string, env: Record<string, string>, readyPath = '/health'): Promise<ManagedProcess> {
  const port = env.PORT ?? '9080'
  return startProcess(process.execPath, [serverTs], {
    env: { HOST: '127.0.0.1', LOG_FORMAT: 'json', ...env },
    readyUrl: `http://127.0.0.1:${port}${readyPath}`,
  })
}
