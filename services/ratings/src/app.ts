import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { createService, serverOptions } from '@bookinfo/service-kit'
import { meshPolicyLayer } from '@bookinfo/mesh-policy'
import type { Config } from './config.ts'
import { mongoSource } from './db/mongo.ts'
import { mysqlSource } from './db/mysql.ts'
import type { RatingsSource } from './db/source.ts'
import { createFaults } from './faults.ts'
import { ratingsRoutes } from './routes/ratings.ts'
import { RatingsStore } from './store.ts'
import { REAL_WORLD, type RatingsDeps } from './world.ts'

export type { RatingsDeps } from './world.ts'

export async function buildApp (
  config: Config,
  serverOpts: FastifyServerOptions = serverOptions(false),
  deps: RatingsDeps = {}
): Promise<FastifyInstance> {
  const world = { ...REAL_WORLD, ...deps }
  const faults = createFaults(config, world)
  const { app } = await createService({
    server: serverOpts,
    // Upstream's router answered an unknown path with 404, an empty body and no content type.
    notFound: (_request, reply) => reply.code(404).send(),
    policy: meshPolicyLayer(config.meshPolicy),
    health: { service: 'Ratings', isHealthy: faults.isHealthy },
  })

  const source = databaseSource(config)
  const shutdown = new AbortController()
  // preClose runs before Fastify waits for in-flight requests: a v-delayed answer is sent at once.
  app.addHook('preClose', async () => { shutdown.abort() })
  app.addHook('onClose', async () => { await source?.close() })

  await app.register(ratingsRoutes, { config, faults, store: new RatingsStore(config.storeMaxIds), source, shutdown: shutdown.signal, sleep: world.sleep })
  return app
}

function databaseSource (config: Config): RatingsSource | undefined {
  if (config.serviceVersion !== 'v2') return undefined
  return config.database.type === 'mysql' ? mysqlSource(config.database) : mongoSource(config.database)
}
