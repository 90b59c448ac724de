import { ERROR_BODY_SCHEMA, parseProductId, type RoutesPlugin } from '@bookinfo/service-kit'
import type { CallBackend } from '../backends.ts'
import { outboundHeaders } from '../outbound-headers.ts'
import { PRODUCTS, UNAVAILABLE } from '../products.ts'

export interface ApiRouteOptions {
  callBackend: CallBackend
}

const productSchema = {
  type: 'object',
  properties: { id: { type: 'integer' }, title: { type: 'string' }, descriptionHtml: { type: 'string' } },
  required: ['id', 'title', 'descriptionHtml'],
  additionalProperties: false,
} as const

const proxySchema = {
  params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
  response: {
    // The backend's JSON, whatever its shape, re-serialised compactly by the handler (contract §11 #6): the
    // reply is that JSON text, which Fastify sends as it is.
    200: { type: 'string', description: "the backend's JSON text, re-serialised" },
    '4xx': ERROR_BODY_SCHEMA,
    '5xx': ERROR_BODY_SCHEMA,
  },
} as const

/**
 * The REST API: the product list, and three proxies passing the backend's status through (contract §5.2).
 * Unlike upstream, which pasted any path segment into the backend URL, `<id>` must be a decimal integer:
 * anything else is a 400 here and never reaches a backend.
 */
export const apiRoutes: RoutesPlugin<ApiRouteOptions> = async (app, { callBackend }) => {
  app.get('/api/v1/products', {
    schema: { response: { 200: { type: 'array', items: productSchema } } } as const,
  }, async (_request, reply) => {
    reply.type('application/json')
    return [...PRODUCTS]
  })

  const proxies = [['/api/v1/products/:id', 'details'], ['/api/v1/products/:id/reviews', 'reviews'], ['/api/v1/products/:id/ratings', 'ratings']] as const
  for (const [url, name] of proxies) {
    app.get(url, { schema: proxySchema }, async (request, reply) => {
      reply.type('application/json')
      const id = parseProductId(request.params.id)
      if (id === undefined) return reply.code(400).send({ error: 'please provide numeric product id' })
      const result = await callBackend(name, id, outboundHeaders(request), request.log)
      if (!result.ok) return reply.code(result.status).send({ error: UNAVAILABLE[name] })
      // Serialised here: a bare JSON string or null must not reach Fastify's raw-string path.
      return reply.send(JSON.stringify(result.body))
    })
  }
}
