import type { ColdStart } from './coldstart.ts'
import type { HalfPeak } from './curves.ts'
import type { TargetResult } from './rounds.ts'
import { pairedRatio } from './stats.ts'

/** One of issue #10's targets, as measured in this run. */
export interface GoalResult {
  goal: string
  /** The measured value (a ratio), NaN when this run did not measure it. */
  value: number
  /** The bound the value must reach: at least `min`, or at most `max`. */
  min?: number
  max?: number
  met: boolean | undefined
  note?: string
  /** The same ratio from server CPU time per request (baseline's over target's). */
  cpuEstimate?: number
}

const RATIO_GOALS: Array<[goal: string, target: string, baseline: string, min: number]> = [
  ['details, LOG_LEVEL=warn ≥ 0.85× bare', 'details-warn', 'bare-details', 0.85],
  ['ratings, LOG_LEVEL=warn ≥ 0.85× bare', 'ratings-warn', 'bare-ratings', 0.85],
  ['reviews v1, LOG_LEVEL=warn ≥ 0.85× bare', 'reviews-v1-warn', 'bare-reviews-v1', 0.85],
  ['details, default logging ≥ 0.6× bare', 'details', 'bare-details', 0.6],
  ['ratings, default logging ≥ 0.6× bare', 'ratings', 'bare-ratings', 0.6],
  ['reviews v1, default logging ≥ 0.6× bare', 'reviews-v1', 'bare-reviews-v1', 0.6],
  ['details ≥ 10× upstream details.rb', 'details', 'upstream-details', 10],
  ['ratings ≥ 1.5× upstream ratings.js', 'ratings', 'upstream-ratings', 1.5],
  ['page ≥ 0.7× bare chain (new connection per call)', 'page', 'chain-new', 0.7],
  ['signed-in moderator page, policy on ≥ 0.5× bare chain', 'stack-page-moderator', 'chain-new', 0.5],
  ['policy plugin costs ≤ 15% on details (≥ 0.85× policy off)', 'details-policy', 'details', 0.85],
]

function check (goal: string, value: number, bound: { min?: number, max?: number }, note?: string): GoalResult {
  const met = Number.isNaN(value) ? undefined : (bound.min === undefined || value >= bound.min) && (bound.max === undefined || value <= bound.max)
  return { goal, value, ...bound, met, ...(note ? { note } : {}) }
}

export function evaluateGoals (results: TargetResult[], halfPeaks: HalfPeak[], cold: ColdStart[]): GoalResult[] {
  const result = (name: string) => results.find((r) => r.target.name === name)
  const goals: GoalResult[] = []
  for (const [goal, target, baseline, min] of RATIO_GOALS) {
    const t = result(target)
    const b = result(baseline)
    if (!t || !b) {
      goals.push(check(goal, Number.NaN, { min }, 'not measured in this run'))
      continue
    }
    const ratio = pairedRatio(t.samples.map((s) => s.rps), b.samples.map((s) => s.rps)).median
    goals.push({ ...check(goal, ratio, { min }), cpuEstimate: b.cpuUsPerRequest.median / t.cpuUsPerRequest.median })
  }
  for (const h of halfPeaks) {
    goals.push(check(`${h.target}: p99 ≤ 3× p50 at half of peak`, h.p99Ms / h.p50Ms, { max: 3 }, `at ${Math.round(h.rps)} req/s (peak ${Math.round(h.peakRps)})`))
  }
  const bare = cold.find((c) => c.name === 'bare')
  for (const c of cold) {
    if (c === bare || bare === undefined) continue
    const what = c.kind === 'build' ? 'shipped build' : 'sources (no build found)'
    goals.push({ ...check(`${c.name} cold start ≤ 3× bare`, c.startMs.median / bare.startMs.median, { max: 3 }, what), cpuEstimate: c.cpuMs.median / bare.cpuMs.median })
    goals.push(check(`${c.name} idle RSS ≤ 1.5× bare`, c.rssMiB.median / bare.rssMiB.median, { max: 1.5 }, what))
  }
  return goals
}
