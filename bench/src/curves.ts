import { getFreePort } from '@bookinfo/test-helpers'
import type { Fleet } from './fleet.ts'
import { fmtRps, measureOnce, type RoundSample } from './rounds.ts'
import { PAGE, type Target } from './targets.ts'
import { runWrk } from './wrk.ts'

export interface CurvePoint extends RoundSample {
  connections: number
}

export interface FloodPoint extends RoundSample {
  floodFactor: number
  /** Backend calls one page view makes: details, FLOOD_FACTOR + 1 reviews, each reviews v3 one ratings. */
  callsPerPage: number
}

export interface HalfPeak extends RoundSample {
  target: string
  peakRps: number
  connections: number
  gapMs: number
}

interface CurveOptions {
  durationS: number
  log: (line: string) => void
}

function line (label: string, s: RoundSample): string {
  return `  ${label.padEnd(30)} ${fmtRps(s.rps).padStart(7)} req/s  p50 ${s.p50Ms.toFixed(2).padStart(7)} ms  p99 ${s.p99Ms.toFixed(2).padStart(8)} ms  ${s.cpuUsPerRequest.toFixed(0).padStart(5)} µs CPU/req`
}

/** Throughput and latency of one target as the number of concurrent connections grows. */
export async function scalingCurve (fleet: Fleet, target: Target, levels: number[], opts: CurveOptions): Promise<CurvePoint[]> {
  const points: CurvePoint[] = []
  for (const connections of levels) {
    const sample = await measureOnce(fleet, target, connections, opts.durationS)
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
      const servers = [server.spec.name, ...PAGE.slice(1)]
      const target: Target = { name: server.spec.name, group: 'page', server: server.spec.name, servers, path: '/productpage', label: `FLOOD_FACTOR=${floodFactor}`, expect: [] }
      await runWrk({ url: `${server.origin}/productpage`, connections, durationS: 1 })
      const sample = await measureOnce(fleet, target, connections, opts.durationS)
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
  const sample = await measureOnce(fleet, target, connections, opts.durationS, gapMs)
  opts.log(line(`${target.name} at ~half peak`, sample) + `  (${Math.round((100 * sample.rps) / peakRps)}% of ${fmtRps(peakRps)})`)
  return { target: target.name, peakRps, connections, gapMs, ...sample }
}
