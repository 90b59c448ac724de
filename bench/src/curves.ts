import { getFreePort } from '@bookinfo/test-helpers'
import type { Fleet } from './fleet.ts'
import { fmtRps } from './rounds.ts'
import type { Target } from './targets.ts'
import { runWrk, type Sample } from './wrk.ts'

export interface CurvePoint extends Sample {
  connections: number
}

export interface FloodPoint extends Sample {
  floodFactor: number
  /** Backend calls one page view makes: details, FLOOD_FACTOR + 1 reviews, each reviews v3 one ratings. */
  callsPerPage: number
}

export interface HalfPeak extends Sample {
  target: string
  peakRps: number
  connections: number
  gapMs: number
}

interface CurveOptions {
  durationS: number
  log: (line: string) => void
}

function line (label: string, s: Sample): string {
  return `  ${label.padEnd(30)} ${fmtRps(s.rps).padStart(7)} req/s  p50 ${s.p50Ms.toFixed(2).padStart(7)} ms  p99 ${s.p99Ms.toFixed(2).padStart(8)} ms`
}

/** Throughput and latency of one target as the number of concurrent connections grows. */
export async function scalingCurve (fleet: Fleet, target: Target, levels: number[], opts: CurveOptions): Promise<CurvePoint[]> {
  const points: CurvePoint[] = []
  for (const connections of levels) {
    const sample = await runWrk({ url: `${fleet.get(target.server).origin}${target.path}`, connections, durationS: opts.durationS, headers: await target.headers?.() ?? {} })
    for (const s of fleet.servers.values()) s.truncateLog()
    points.push({ connections, ...sample })
    opts.log(line(`${target.name} c=${connections}`, sample))
  }
  return points
}

/**
 * The page as FLOOD_FACTOR grows: one more productpage per factor (same backends, same settings as the
 * measured one), started for its run and stopped after it.
 */
export async function floodCurve (fleet: Fleet, factors: number[], connections: number, opts: CurveOptions): Promise<FloodPoint[]> {
  const base = fleet.get('productpage').spec
  const points: FloodPoint[] = []
  for (const floodFactor of factors) {
    const port = await getFreePort()
    const server = await fleet.start({ ...base, name: `productpage-flood-${floodFactor}`, port, env: { ...base.env, PORT: String(port), FLOOD_FACTOR: String(floodFactor) } })
    try {
      const url = `${server.origin}/productpage`
      await runWrk({ url, connections, durationS: 1 })
      const sample = await runWrk({ url, connections, durationS: opts.durationS })
      points.push({ floodFactor, callsPerPage: 1 + 2 * (floodFactor + 1), ...sample })
      opts.log(line(`page FLOOD_FACTOR=${floodFactor}`, sample))
    } finally {
      await server.stop()
      fleet.servers.delete(server.spec.name)
    }
  }
  return points
}

/**
 * Latency at half of the peak throughput: every connection pauses between its requests so the offered
 * load is about half of what the rounds measured at full speed (wrk's delay hook).
 */
export async function halfPeak (fleet: Fleet, target: Target, peakRps: number, connections: number, opts: CurveOptions): Promise<HalfPeak> {
  const gapMs = Math.max(1, Math.round((connections * 1000) / (peakRps / 2)))
  const sample = await runWrk({ url: `${fleet.get(target.server).origin}${target.path}`, connections, durationS: opts.durationS, headers: await target.headers?.() ?? {}, gapMs })
  for (const s of fleet.servers.values()) s.truncateLog()
  opts.log(line(`${target.name} at ~half peak`, sample) + `  (${Math.round((100 * sample.rps) / peakRps)}% of ${fmtRps(peakRps)})`)
  return { target: target.name, peakRps, connections, gapMs, ...sample }
}
