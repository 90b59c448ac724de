import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { createService, serverOptions, type OutboundDeps } from '@bookinfo/service-kit'
import { meshPolicyLayer } from '@bookinfo/mesh-policy'
import type { ReviewsConfig } from './config.ts'
import { reviewsRoutes } from './routes/reviews.ts'

/** The outside world reviews uses: the dispatcher of the ratings call. */
export type ReviewsDeps = OutboundDeps

export async function buildApp (
  config: ReviewsConfig,
  serverOpts: FastifyServerOptions = serverOptions(false),
  deps: ReviewsDeps = {}
): Promise<FastifyInstance> {
  const { app } = await createService({
    server: serverOpts,
    policy: meshPolicyLayer(config.meshPolicy),
    health: { service: 'Reviews' },
  })
  await app.register(reviewsRoutes, { config, deps })
  return app
}
