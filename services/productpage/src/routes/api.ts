import { ERROR_BODY_SCHEMA, parseProductId } from '@bookinfo/service-kit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { BackendName, CallBackend } from '../backends.ts'
import { outboundHeaders } from '../outbound-headers.ts'
import { PRODUCTS, UNAVAILABLE } from '../products.ts'

export interface ApiRouteOptions {
  callBackend: CallBackend
}

const productSchema = {
  type: 'object',
  properties: { id: { type: 'integer' }, title: { type: 'string' }, descriptionHtml: { type: 'string' } },
  required: ['id', 'title', 'descriptionHtml'],
}

const proxySchema = {
  params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
  response: {
    // The backend's JSON, whatever its shape, re-serialised (contract §11 #6).
    200: {},
    '4xx': ERROR_BODY_SCHEMA,
    '5xx': ERROR_BODY_SCHEMA,
  },
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>

/**
 * The REST API: the product list, and three proxies passing the backend's status through (contract §5.2).
 * Unlike upstream, which pasted any path segment into the backend URL, `<id>` must be a decimal integer:
 * anything else is a 400 here and never reaches a backend.
 */
export async function apiRoutes (app: FastifyInstance, { callBackend }: ApiRouteOptions): Promise<void> {
  app.get('/api/v1/products', {
    schema: { response: { 200: { type: 'array', items: productSchema } } },
  }, async (_request, reply) => {
    reply.type('application/json')
    return PRODUCTS
  })

  const proxy = (name: BackendName) => async (request: IdRequest, reply: FastifyReply) => {
    reply.type('application/json')
    const id = parseProductId(request.params.id)
    if (id === undefined) return reply.code(400).send({ error: 'please provide numeric product id' })
    const result = await callBackend(name, id, outboundHeaders(request), request.log)
    if (!result.ok) return reply.code(result.status).send({ error: UNAVAILABLE[name] })
    // Serialised here: a bare JSON string or null must not reach Fastify's raw-string path.
    return reply.send(JSON.stringify(result.body))
  }

  app.get('/api/v1/products/:id', { schema: proxySchema }, proxy('details'))
  app.get('/api/v1/products/:id/reviews', { schema: proxySchema }, proxy('reviews'))
  app.get('/api/v1/products/:id/ratings', { schema: proxySchema }, proxy('ratings'))
}
