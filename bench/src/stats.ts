/** The middle value (mean of the two middle ones for an even count); NaN for none. */
export function median (values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

export interface Spread {
  median: number
  min: number
  max: number
}

export function spread (values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v))
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite) }
}

/**
 * Throughput relative to a baseline, round by round: round i of the target over round i of the baseline
 * (measured moments apart, so both saw the same machine), then the median and range of those ratios.
 */
export function pairedRatio (target: readonly number[], baseline: readonly number[]): Spread {
  const ratios: number[] = []
  for (let i = 0; i < Math.min(target.length, baseline.length); i++) {
    const b = baseline[i] as number
    if (b > 0) ratios.push((target[i] as number) / b)
  }
  return spread(ratios)
}
