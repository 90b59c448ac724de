import { Counter, type Registry } from 'prom-client'

export type RequestResultCounter = Counter<'destination_app' | 'response_code'>

/** Upstream's `request_result` counter (exposed as `request_result_total`): one per backend call. */
export function createRequestResultCounter (registry: Registry): RequestResultCounter {
  return new Counter({
    name: 'request_result',
    help: 'Results of requests',
    labelNames: ['destination_app', 'response_code'] as const,
    registers: [registry],
  })
}
