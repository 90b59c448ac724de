import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { createService, serverOptions } from '@bookinfo/service-kit'
import { meshPolicyPlugin } from '@bookinfo/mesh-policy'
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
  const { app } = await createService({
    server: serverOpts,
    policy: { plugin: meshPolicyPlugin, options: config.meshPolicy },
    health: { service: 'Reviews' },
  })
  await app.register(reviewsRoutes, { config, deps })
  return app
}
