import fp from 'fastify-plugin'
import { Registry, collectDefaultMetrics } from 'prom-client'
import type { FastifyInstance } from 'fastify'

export interface MetricsOptions {
  registry: Registry
}

/** A registry per app instance (not prom-client's global), so tests and replicas never share counters. */
export function createMetricsRegistry (): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  return registry
}

/** `GET /metrics` in Prometheus text format; Istio's metrics merging scrapes it (upstream issue #47844). */
async function metrics (app: FastifyInstance, { registry }: MetricsOptions): Promise<void> {
  app.get('/metrics', {
    logLevel: 'warn',
    schema: { response: { 200: { type: 'string' } } },
  }, async (_request, reply) => {
    reply.type(registry.contentType)
    return registry.metrics()
  })
}

// No `fastify` version range: its semver check costs start-up time (see service-kit's hygiene.ts).
export const metricsPlugin = fp(metrics, { name: 'bookinfo-metrics' })
