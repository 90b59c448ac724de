import { setTimeout as sleepFor } from 'node:timers/promises'

/**
 * What ratings takes from the world: randomness (v-faulty, v-delayed) and time (the phases of v-unavailable
 * and v-unhealthy, v-delayed's wait). buildApp's `deps`; tests pass their own so the fault modes are
 * deterministic and instant.
 */
export interface RatingsDeps {
  random?: () => number
  now?: () => number
  /** Waits `ms` or until `signal` aborts (app close), whichever is first; never rejects. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
}

/** Waits `ms`, or less when `signal` aborts; never rejects. */
export async function sleepUnlessAborted (ms: number, signal: AbortSignal): Promise<void> {
  await sleepFor(ms, undefined, { signal }).catch(() => {})
}

/** The real world: Math.random, the wall clock and a timer. */
export const REAL_WORLD: Required<RatingsDeps> = { random: Math.random, now: Date.now, sleep: sleepUnlessAborted }
