import type { Config } from './config.ts'
import type { RatingsDeps } from './world.ts'

/** What a fault mode does to one GET /ratings. */
export type FaultDecision = 'answer' | 'unavailable' | 'delay'

export interface Faults {
  forGet: () => FaultDecision
  isHealthy: () => boolean
}

/**
 * The upstream fault-injection variants. Upstream flipped flags with setInterval; we derive the phase from
 * the clock (same schedule, starting available/healthy) so there is no timer to clean up and tests set the time.
 */
export function createFaults (
  { serviceVersion, unavailablePeriodMs, unhealthyPeriodMs }: Config,
  { random, now }: Required<Pick<RatingsDeps, 'random' | 'now'>>
): Faults {
  const startedAt = now()
  const inOddPhase = (periodMs: number) => Math.floor((now() - startedAt) / periodMs) % 2 === 1

  switch (serviceVersion) {
    case 'v-faulty':
      // Upstream: `Math.random() <= 0.5` fails the request.
      return { forGet: () => (random() <= 0.5 ? 'unavailable' : 'answer'), isHealthy: () => true }
    case 'v-delayed':
      return { forGet: () => (random() <= 0.5 ? 'delay' : 'answer'), isHealthy: () => true }
    case 'v-unavailable':
      return { forGet: () => (inOddPhase(unavailablePeriodMs) ? 'unavailable' : 'answer'), isHealthy: () => true }
    case 'v-unhealthy':
      return {
        forGet: () => (inOddPhase(unhealthyPeriodMs) ? 'unavailable' : 'answer'),
        isHealthy: () => !inOddPhase(unhealthyPeriodMs),
      }
    default:
      return { forGet: () => 'answer', isHealthy: () => true }
  }
}
