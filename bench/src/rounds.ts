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

/** A wrk sample plus the CPU the servers used for it. */
export interface RoundSample extends Sample {
  /**
   * CPU time of the target's processes (the server and whatever it calls) per request, in µs: it moves
   * much less than req/s when other work shares the machine.
   */
  cpuUsPerRequest: number
}

export interface TargetResult {
  target: Target
  samples: RoundSample[]
  rps: Spread
  p50Ms: Spread
  p99Ms: Spread
  cpuUsPerRequest: Spread
  errors: number
  bytesPerResponse: number
}

/** Runs wrk once and measures the servers' CPU time around it. */
export async function measureOnce (fleet: Fleet, target: Target, connections: number, durationS: number, gapMs?: number): Promise<RoundSample> {
  // Only the processes serving this target: every idle Node process burns a little CPU (timers, metrics),
  // which summed over the whole fleet would be charged to whatever is measured.
  const servers = (target.servers ?? [target.server]).map((name) => fleet.get(name))
  const before = servers.reduce((sum, s) => sum + s.cpuMs(), 0)
  const sample = await runWrk({
    url: `${fleet.get(target.server).origin}${target.path}`,
    connections,
    durationS,
    headers: await target.headers?.() ?? {},
    ...(gapMs === undefined ? {} : { gapMs }),
  })
  const cpuMs = servers.reduce((sum, s) => sum + s.cpuMs(), 0) - before
  for (const s of fleet.servers.values()) s.truncateLog()
  const requests = sample.rps * durationS
  return { ...sample, cpuUsPerRequest: requests > 0 ? (cpuMs * 1000) / requests : Number.NaN }
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
  const samples = new Map<string, RoundSample[]>(targets.map((t) => [t.name, []]))
  for (let round = 0; round < opts.rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse()
    for (const target of order) {
      if (round === 0 && opts.warmupS > 0) await measureOnce(fleet, target, opts.connections, opts.warmupS)
      const sample = await measureOnce(fleet, target, opts.connections, opts.durationS)
      samples.get(target.name)?.push(sample)
      const errors = sample.errors > 0 ? `  ${sample.errors} errors` : ''
      opts.log(`  [${round + 1}/${opts.rounds}] ${target.name.padEnd(22)} ${fmtRps(sample.rps).padStart(7)} req/s  p50 ${sample.p50Ms.toFixed(2).padStart(6)} ms  p99 ${sample.p99Ms.toFixed(2).padStart(7)} ms  ` +
        `${sample.cpuUsPerRequest.toFixed(0).padStart(5)} µs CPU/req${errors}`)
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
      cpuUsPerRequest: spread(list.map((s) => s.cpuUsPerRequest)),
      errors: list.reduce((sum, s) => sum + s.errors, 0),
      bytesPerResponse: list[0]?.bytesPerResponse ?? 0,
    }
  })
}
