import { parseArgs } from 'node:util'

/** Named targets: the local processes (./scripts/dev.sh) and the compose stack both publish productpage on 9080. */
export const TARGETS: Readonly<Record<string, string>> = {
  local: 'http://localhost:9080',
  compose: 'http://localhost:9080',
  kind: 'http://localhost:8080',
}

export interface CliOptions {
  target: string
  rate: number
  pages: number
  sessions: number
  durationMs: number
  connectTo?: string
  personas?: string[]
  seed?: string
}

const number = (name: string, value: string, min: number, max: number): number => {
  const parsed = Number(value)
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) throw new Error(`--${name} must be a number from ${min} to ${max}, got "${value}"`)
  return parsed
}

/** Flags win over LOADGEN_* variables (the Deployment sets those), which win over the defaults. */
export function parseOptions (argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      target: { type: 'string' },
      rate: { type: 'string' },
      pages: { type: 'string' },
      sessions: { type: 'string' },
      duration: { type: 'string' },
      'connect-to': { type: 'string' },
      personas: { type: 'string' },
      seed: { type: 'string' },
    },
  })
  const target = values.target ?? env.LOADGEN_TARGET ?? 'local'
  const url = TARGETS[target] ?? target
  if (!/^https?:\/\/[^/\s]+$/.test(url)) throw new Error(`--target must be local, compose, kind or an origin like http://localhost:9080, got "${target}"`)
  const connectTo = values['connect-to'] ?? env.LOADGEN_CONNECT_TO
  const personas = values.personas ?? env.LOADGEN_PERSONAS
  const seed = values.seed ?? env.LOADGEN_SEED
  return {
    target: url,
    rate: number('rate', values.rate ?? env.LOADGEN_RATE ?? '1', 0.01, 1000),
    pages: number('pages', values.pages ?? env.LOADGEN_PAGES ?? '3', 1, 100),
    sessions: number('sessions', values.sessions ?? env.LOADGEN_SESSIONS ?? '0', 0, 1e9),
    durationMs: number('duration', values.duration ?? env.LOADGEN_DURATION ?? '0', 0, 1e7) * 1000,
    ...(connectTo ? { connectTo } : {}),
    ...(personas ? { personas: personas.split(',').map((name) => name.trim()) } : {}),
    ...(seed ? { seed } : {}),
  }
}
