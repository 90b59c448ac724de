import { Counter, type Registry } from 'prom-client'

export type RequestResultCounter = Counter<'destination_app' | 'response_code'>

/**
 * Upstream's `request_result` counter: one per logical backend call. Python's client adds `_total` on
 * exposition; prom-client does not, so the name carries it (what scrapers see is the same).
 */
export function createRequestResultCounter (registry: Registry): RequestResultCounter {
  return new Counter({
    name: 'request_result_total',
    help: 'Results of requests',
    labelNames: ['destination_app', 'response_code'] as const,
    registers: [registry],
  })
}
