import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { createMetricsRegistry, hygienePlugin, metricsPlugin, registerJsonHealth, serverOptions } from '@bookinfo/service-kit'
import { meshPolicyPlugin, meshPolicyServerOptions } from '@bookinfo/mesh-policy'
import type { Config } from './config.ts'
import { mongoSource } from './db/mongo.ts'
import { mysqlSource } from './db/mysql.ts'
import type { RatingsSource } from './db/source.ts'
import { createFaults } from './faults.ts'
import { ratingsRoutes } from './routes/ratings.ts'
import { RatingsStore } from './store.ts'

export async function buildApp (config: Config, serverOpts: FastifyServerOptions = serverOptions(false)): Promise<FastifyInstance> {
  // The policy normalises paths before routing, as Istio does (mesh-policy README).
  const app = Fastify({ ...serverOpts, ...meshPolicyServerOptions(config.meshPolicy) })
  // Upstream's router answered an unknown path with 404, an empty body and no content type.
  await app.register(hygienePlugin, { notFound: (_request, reply) => reply.code(404).send() })
  // Before every route: who may call what, from the same istio/security YAML the mesh enforces.
  if (config.meshPolicy?.enabled) await app.register(meshPolicyPlugin, config.meshPolicy)
  await app.register(metricsPlugin, { registry: createMetricsRegistry() })

  const faults = createFaults(config)
  registerJsonHealth(app, { service: 'Ratings', isHealthy: faults.isHealthy })

  const source = databaseSource(config)
  const shutdown = new AbortController()
  // preClose runs before Fastify waits for in-flight requests: a v-delayed answer is sent at once.
  app.addHook('preClose', async () => { shutdown.abort() })
  app.addHook('onClose', async () => { await source?.close() })

  await app.register(ratingsRoutes, { config, faults, store: new RatingsStore(config.storeMaxIds), source, shutdown: shutdown.signal })
  return app
}

function databaseSource (config: Config): RatingsSource | undefined {
  if (config.serviceVersion !== 'v2') return undefined
  return config.database.type === 'mysql' ? mysqlSource(config.database) : mongoSource(config.database)
}
