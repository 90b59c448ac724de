import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { createMetricsRegistry, hygienePlugin, metricsPlugin, registerJsonHealth, serverOptions } from '@bookinfo/service-kit'
import { meshPolicyPlugin, meshPolicyServerOptions } from '@bookinfo/mesh-policy'
import type { Dispatcher } from 'undici'
import type { ReviewsConfig } from './config.ts'
import { reviewsRoutes } from './routes/reviews.ts'

export interface ReviewsDeps {
  /** Outbound dispatcher for the ratings call (tests pass a MockAgent). */
  dispatcher?: Dispatcher
}

export async function buildApp (
  config: ReviewsConfig,
  serverOpts: FastifyServerOptions = serverOptions(false),
  deps: ReviewsDeps = {}
): Promise<FastifyInstance> {
  // The policy normalises paths before routing, as Istio does (mesh-policy README).
  const app = Fastify({ ...serverOpts, ...meshPolicyServerOptions(config.meshPolicy) })
  await app.register(hygienePlugin)
  // Before every route: who may call what, from the same istio/security YAML the mesh enforces.
  if (config.meshPolicy?.enabled) await app.register(meshPolicyPlugin, config.meshPolicy)
  await app.register(metricsPlugin, { registry: createMetricsRegistry() })
  registerJsonHealth(app, { service: 'Reviews' })
  await app.register(reviewsRoutes, { config, ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}) })
  return app
}
