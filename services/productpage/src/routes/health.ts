import type { FastifyInstance } from 'fastify'

/** `GET /health`: upstream's Flask answer, plain text with Flask's default HTML content type. */
export async function healthRoutes (app: FastifyInstance): Promise<void> {
  app.get('/health', { logLevel: 'warn', schema: { response: { 200: { type: 'string' } } } }, async (_request, reply) => {
    reply.type('text/html; charset=utf-8')
    return 'Product page is healthy'
  })
}
