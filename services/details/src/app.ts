import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { createMetricsRegistry, hygienePlugin, metricsPlugin, registerJsonHealth, serverOptions } from '@bookinfo/service-kit'
import { meshPolicyPlugin, meshPolicyServerOptions } from '@bookinfo/mesh-policy'
import type { Dispatcher } from 'undici'
import type { DetailsConfig } from './config.ts'
import { detailsRoutes } from './routes/details.ts'

export interface DetailsDeps {
  /** Outbound dispatcher for the external book service (tests pass a MockAgent). */
  dispatcher?: Dispatcher
}

export async function buildApp (
  config: DetailsConfig,
  serverOpts: FastifyServerOptions = serverOptions(false),
  deps: DetailsDeps = {}
): Promise<FastifyInstance> {
  // The policy normalises paths before routing, as Istio does (mesh-policy README).
  const app = Fastify({ ...serverOpts, ...meshPolicyServerOptions(config.meshPolicy) })
  await app.register(hygienePlugin)
  // Before every route: who may call what, from the same istio/security YAML the mesh enforces.
  if (config.meshPolicy?.enabled) await app.register(meshPolicyPlugin, config.meshPolicy)
  await app.register(metricsPlugin, { registry: createMetricsRegistry() })
  // Upstream's WEBrick mount also answered below /health/.
  registerJsonHealth(app, { service: 'Details', prefix: true })
  await app.register(detailsRoutes, { config, ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}) })
  return app
}
