import { isDraining } from '@bookinfo/service-kit'
import type { FastifyInstance } from 'fastify'

/**
 * `GET /health`: upstream's Flask answer, plain text with Flask's default HTML content type; 503 once the
 * process drains after SIGTERM (readiness false while in-flight requests finish).
 */
export async function healthRoutes (app: FastifyInstance): Promise<void> {
  const schema = { response: { 200: { type: 'string' }, 503: { type: 'string' } } }
  app.get('/health', { logLevel: 'warn', schema }, async (_request, reply) => {
    reply.type('text/html; charset=utf-8')
    if (isDraining(app)) {
      reply.code(503)
      return 'Product page is shutting down'
    }
    return 'Product page is healthy'
  })
}
