import type { ColdStart } from './coldstart.ts'
import type { CurvePoint, FloodPoint, HalfPeak } from './curves.ts'
import type { GoalResult } from './goals.ts'
import { fmtRps, type TargetResult } from './rounds.ts'
import { pairedRatio } from './stats.ts'

export interface Machine {
  cpu: string
  cores: number
  memGiB: number
  kernel: string
  node: string
  wrk: string
  loadBefore: number[]
  loadAfter: number[]
  namespace: boolean
}

export interface BenchReport {
  date: string
  machine: Machine
  settings: { rounds: number, durationS: number, warmupS: number, connections: number, quick: boolean }
  /** Package folder → `build` or `sources`. */
  code: Record<string, string>
  results: TargetResult[]
  scaling: Record<string, CurvePoint[]>
  flood: FloodPoint[]
  halfPeaks: HalfPeak[]
  cold: ColdStart[]
  goals: GoalResult[]
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2))
const x = (v: number) => (Number.isNaN(v) ? '–' : `${v >= 10 ? v.toFixed(1) : v.toFixed(2)}x`)
const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ')

function throughputTable (results: TargetResult[]): string[] {
  const rows = [
    '| target | what | req/s (median) | spread (min–max) | p50 ms | p99 ms | vs baseline (per-round, median [min–max]) | server CPU µs/req | CPU vs baseline | errors |',
    '| --- | --- | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: |',
  ]
  for (const r of results) {
    const base = r.target.baseline === undefined ? undefined : results.find((b) => b.target.name === r.target.baseline)
    const ratio = base ? pairedRatio(r.samples.map((s) => s.rps), base.samples.map((s) => s.rps)) : undefined
    const vs = ratio ? `${x(ratio.median)} [${x(ratio.min)}–${x(ratio.max)}] of ${r.target.baseline}` : r.target.name.startsWith('bare') || r.target.name.startsWith('chain') ? 'baseline' : ''
    const cpu = base ? x(base.cpuUsPerRequest.median / r.cpuUsPerRequest.median) : ''
    rows.push(`| ${r.target.name} | ${r.target.label} | ${fmtRps(r.rps.median)} | ${fmtRps(r.rps.min)}–${fmtRps(r.rps.max)} | ${ms(r.p50Ms.median)} | ${ms(r.p99Ms.median)} | ${vs} | ` +
      `${r.cpuUsPerRequest.median.toFixed(0)} | ${cpu} | ${r.errors} |`)
  }
  return rows
}

function goalsTable (goals: GoalResult[]): string[] {
  const rows = ['| goal (issue #10) | measured | result | CPU-time estimate |', '| --- | ---: | --- | ---: |']
  for (const g of goals) {
    const result = g.met === undefined ? 'not measured' : g.met ? 'met' : `**missed** (${g.min !== undefined ? `needs ≥ ${g.min}` : `needs ≤ ${g.max}`})`
    rows.push(`| ${g.goal} | ${x(g.value)} | ${result}${g.note ? `; ${g.note}` : ''} | ${g.cpuEstimate === undefined ? '' : x(g.cpuEstimate)} |`)
  }
  return rows
}

export function markdown (r: BenchReport): string {
  const m = r.machine
  const out = [
    `## Benchmark ${r.date}`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, Linux ${m.kernel}; Node ${m.node}; ${m.wrk}. ` +
      `Load average (1/5/15 min) before ${load(m.loadBefore)}, after ${load(m.loadAfter)}. ` +
      (m.namespace ? 'Loopback of a private network namespace.' : 'Host loopback (no private network namespace).'),
    `Code: ${Object.entries(r.code).map(([dir, kind]) => `${dir} ${kind}`).join(', ')}.`,
    `Settings: ${r.settings.rounds} interleaved rounds of ${r.settings.durationS} s per target (warm-up ${r.settings.warmupS} s), ` +
      `wrk -t1 -c${r.settings.connections}; medians, spread = min–max over rounds; "vs" divides each round by its baseline's same round. ` +
      '"Server CPU" is the CPU time of the target\'s processes (the server and the backends it calls) per request; "CPU vs baseline" divides the baseline\'s by the target\'s: ' +
      'the throughput ratio a CPU-bound server would show on an otherwise idle machine, and much steadier than req/s when other work shares it.',
    '',
    ...throughputTable(r.results),
    '',
    '### Goals',
    '',
    ...goalsTable(r.goals),
  ]
  const curves = Object.entries(r.scaling)
  if (curves.length > 0) {
    out.push('', '### Scaling (one run per point)', '', '| target | connections | req/s | p50 ms | p99 ms |', '| --- | ---: | ---: | ---: | ---: |')
    for (const [name, points] of curves) for (const p of points) out.push(`| ${name} | ${p.connections} | ${fmtRps(p.rps)} | ${ms(p.p50Ms)} | ${ms(p.p99Ms)} |`)
  }
  if (r.flood.length > 0) {
    out.push('', '### Page cost as FLOOD_FACTOR grows', '', '| FLOOD_FACTOR | backend calls per page | req/s | ms of machine per page | p50 ms | p99 ms |', '| ---: | ---: | ---: | ---: | ---: | ---: |')
    for (const p of r.flood) out.push(`| ${p.floodFactor} | ${p.callsPerPage} | ${fmtRps(p.rps)} | ${ms(1000 / p.rps)} | ${ms(p.p50Ms)} | ${ms(p.p99Ms)} |`)
  }
  if (r.halfPeaks.length > 0) {
    out.push('', '### Latency at half of peak', '', '| target | peak req/s | offered → served req/s | p50 ms | p99 ms | p99/p50 |', '| --- | ---: | ---: | ---: | ---: | ---: |')
    for (const h of r.halfPeaks) out.push(`| ${h.target} | ${fmtRps(h.peakRps)} | ${fmtRps(h.rps)} | ${ms(h.p50Ms)} | ${ms(h.p99Ms)} | ${x(h.p99Ms / h.p50Ms)} |`)
  }
  if (r.cold.length > 0) {
    const bare = r.cold.find((c) => c.name === 'bare')
    out.push('', '### Cold start (spawn to first /health 200) and idle RSS', '', '| process | code | start ms (median, min–max) | vs bare | CPU ms at first 200 | vs bare | idle RSS MiB | vs bare |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |')
    for (const c of r.cold) {
      const vs = (f: (s: ColdStart) => number) => (bare ? x(f(c) / f(bare)) : '')
      out.push(`| ${c.name} | ${c.kind} | ${ms(c.startMs.median)} (${ms(c.startMs.min)}–${ms(c.startMs.max)}) | ${vs((s) => s.startMs.median)} | ${c.cpuMs.median.toFixed(0)} | ${vs((s) => s.cpuMs.median)} | ${c.rssMiB.median.toFixed(1)} | ${vs((s) => s.rssMiB.median)} |`)
    }
  }
  return out.join('\n') + '\n'
}
