import type { Fleet } from './fleet.ts'
import { spread, type Spread } from './stats.ts'
import type { Target } from './targets.ts'
import { runWrk, type Sample } from './wrk.ts'

export interface RoundOptions {
  rounds: number
  durationS: number
  warmupS: number
  connections: number
  log: (line: string) => void
}

export interface TargetResult {
  target: Target
  samples: Sample[]
  rps: Spread
  p50Ms: Spread
  p99Ms: Spread
  errors: number
  bytesPerResponse: number
}

export function fmtRps (rps: number): string {
  return Math.round(rps).toLocaleString('en-US')
}

/**
 * Interleaved rounds: every round measures every target once, so a target and its baseline are always
 * measured moments apart; odd rounds go backwards, so a slow drift of the machine favours nobody.
 * The first round is preceded by a warm-up run per target (JIT, connection set-up), not recorded.
 */
export async function measureRounds (fleet: Fleet, targets: Target[], opts: RoundOptions): Promise<TargetResult[]> {
  const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]))
  for (let round = 0; round < opts.rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse()
    for (const target of order) {
      const server = fleet.get(target.server)
      const url = `${server.origin}${target.path}`
      if (round === 0 && opts.warmupS > 0) {
        await runWrk({ url, connections: opts.connections, durationS: opts.warmupS, headers: await target.headers?.() ?? {} })
      }
      const sample = await runWrk({ url, connections: opts.connections, durationS: opts.durationS, headers: await target.headers?.() ?? {} })
      samples.get(target.name)?.push(sample)
      for (const s of fleet.servers.values()) s.truncateLog()
      const errors = sample.errors > 0 ? `  ${sample.errors} errors` : ''
      opts.log(`  [${round + 1}/${opts.rounds}] ${target.name.padEnd(22)} ${fmtRps(sample.rps).padStart(7)} req/s  p50 ${sample.p50Ms.toFixed(2).padStart(6)} ms  p99 ${sample.p99Ms.toFixed(2).padStart(7)} ms${errors}`)
    }
  }
  return targets.map((target) => {
    const list = samples.get(target.name) ?? []
    return {
      target,
      samples: list,
      rps: spread(list.map((s) => s.rps)),
      p50Ms: spread(list.map((s) => s.p50Ms)),
      p99Ms: spread(list.map((s) => s.p99Ms)),
      errors: list.reduce((sum, s) => sum + s.errors, 0),
      bytesPerResponse: list[0]?.bytesPerResponse ?? 0,
    }
  })
}
