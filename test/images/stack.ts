// The running docker-compose stack that scripts/test-compose.sh started: how to reach it and drive it.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

function required (name: string): string {
  const value = process.env[name]
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set: these tests run against the stack scripts/test-compose.sh starts`)
  }
  return value
}

/** The compose command with its project and env file, e.g. `docker-compose -p bookinfo-test --env-file …`. */
export function composeCommand (): string[] {
  return required('BOOKINFO_COMPOSE').split(' ').filter((w) => w !== '')
}

export function compose (...args: string[]): string {
  const [cmd, ...base] = composeCommand()
  return execFileSync(cmd ?? 'docker-compose', [...base, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 })
}

/** compose, but a failure is a value: its exit status and everything it printed. */
export function composeResult (...args: string[]): { status: number, output: string } {
  try {
    return { status: 0, output: compose(...args) }
  } catch (err) {
    const e = err as { status?: number, stdout?: string, stderr?: string }
    return { status: e.status ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }
  }
}

export function docker (...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).trim()
}

/** productpage's origin as the browser sees it. */
// Not BASE_URL: vitest sets that one to Vite's base path ('/').
export const baseUrl = (): string => required('BOOKINFO_URL')

/** The stack's own secrets (the env file compose reads), by name. */
export function stackSecrets (): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of readFileSync(required('COMPOSE_ENV_FILE'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.+)$/.exec(line.trim())
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2]
  }
  return out
}

export const logDir = (): string => required('COMPOSE_LOG_DIR')

/** Polls `probe` until it returns true (or throws after `ms`, naming `what`). */
export async function eventually (what: string, probe: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    if (await probe().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}
