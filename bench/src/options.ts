import { parseArgs } from 'node:util'
import type { EntryChoice } from './entries.ts'
import type { Group } from './fleet.ts'

export interface BenchOptions {
  quick: boolean
  rounds: number
  durationS: number
  warmupS: number
  connections: number
  groups: Set<Group>
  entry: EntryChoice
  scaling: boolean
  coldStart: boolean
  coldRepeats: number
  upstreamSrc: string | undefined
  outDir: string | undefined
}

export const USAGE = `usage: scripts/bench.sh [--quick] [--rounds N] [--duration S] [--warmup S] [--connections N]
                        [--only details,ratings,reviews,page] [--entry auto|build|sources]
                        [--no-scaling] [--no-cold-start] [--upstream DIR] [--out DIR]
  UPSTREAM_BOOKINFO_SRC=DIR (or --upstream): istio's samples/bookinfo/src, to run upstream's details.rb and ratings.js too
  BENCH_ENTRY=auto|build|sources: run each service's build (dist/bin/server.js) or its sources (default auto: the build when present)`

const GROUPS: Group[] = ['details', 'ratings', 'reviews', 'page']

function positive (name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number ≥ ${min} (got "${value}")`)
  return n
}

/** Command-line flags and the two environment variables; throws with a message naming a bad one. */
export function parseOptions (argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
      entry: { type: 'string' },
      'no-scaling': { type: 'boolean', default: false },
      'no-cold-start': { type: 'boolean', default: false },
      upstream: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  })
  if (values.help) throw new Error(USAGE)
  const quick = values.quick
  const only = values.only?.split(',').map((g) => g.trim()).filter((g) => g !== '')
  const unknown = only?.filter((g) => !GROUPS.includes(g as Group)) ?? []
  if (unknown.length > 0) throw new Error(`--only: unknown group ${unknown.join(', ')} (groups: ${GROUPS.join(', ')})`)
  const entry = values.entry ?? env.BENCH_ENTRY ?? 'auto'
  if (!['auto', 'build', 'sources'].includes(entry)) throw new Error(`--entry / BENCH_ENTRY must be auto, build or sources (got "${entry}")`)
  return {
    quick,
    rounds: positive('--rounds', values.rounds, quick ? 2 : 3),
    durationS: positive('--duration', values.duration, quick ? 2 : 4),
    warmupS: positive('--warmup', values.warmup, 1, 0),
    connections: positive('--connections', values.connections, 50),
    groups: new Set((only ?? GROUPS) as Group[]),
    entry: entry as EntryChoice,
    scaling: !quick && !values['no-scaling'],
    coldStart: !values['no-cold-start'],
    coldRepeats: quick ? 2 : 5,
    upstreamSrc: values.upstream ?? env.UPSTREAM_BOOKINFO_SRC,
    outDir: values.out,
  }
}
