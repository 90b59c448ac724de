import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { createService, serverOptions, type OutboundDeps } from '@bookinfo/service-kit'
import { meshPolicyLayer } from '@bookinfo/mesh-policy'
import type { DetailsConfig } from './config.ts'
import { detailsRoutes } from './routes/details.ts'

/** The outside world details uses: the dispatcher of the external book service. */
export type DetailsDeps = OutboundDeps

export async function buildApp (
  config: DetailsConfig,
  serverOpts: FastifyServerOptions = serverOptions(false),
  deps: DetailsDeps = {}
): Promise<FastifyInstance> {
  const { app } = await createService({
    server: serverOpts,
    policy: meshPolicyLayer(config.meshPolicy),
    // Upstream's WEBrick mount also answered below /health/.
    health: { service: 'Details', prefix: true },
  })
  await app.register(detailsRoutes, { config, deps })
  return app
}
