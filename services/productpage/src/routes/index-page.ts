import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ProductpageConfig } from '../config.ts'

interface ServiceNode { name: string, endpoint: string, children: ServiceNode[] }

/**
 * The call tree the intro page shows. Upstream's root entry wrongly carried the details URL
 * (contract §5.2 QUIRK); ours names productpage itself.
 */
export function serviceTree (backends: ProductpageConfig['backends']): ServiceNode {
  const ratings = { name: backends.ratings, endpoint: 'ratings', children: [] }
  return {
    name: 'productpage',
    endpoint: 'productpage',
    children: [
      { name: backends.details, endpoint: 'details', children: [] },
      { name: backends.reviews, endpoint: 'reviews', children: [ratings] },
    ],
  }
}

/** `GET /` and `GET /index.html`: the intro page (not routed by the Bookinfo gateway). */
export async function indexPageRoutes (app: FastifyInstance, { config }: { config: ProductpageConfig }): Promise<void> {
  const services = serviceTree(config.backends)
  const schema = { response: { 200: { type: 'string' } } }
  const handler = async (_request: FastifyRequest, reply: FastifyReply) => reply.view('index.hbs', { services })
  app.get('/', { schema }, handler)
  app.get('/index.html', { schema }, handler)
}
