import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

export interface JsonHealthOptions {
  /** Service name as upstream writes it: "Details", "Ratings", "Reviews". */
  service: string
  /** Also answer below `/health/` (details' WEBrick mount matched whole-segment prefixes). */
  prefix?: boolean
  /** false → 500 `{"status":"<Service> is not healthy"}` (ratings v-unhealthy). */
  isHealthy?: () => boolean
}

/** `GET /health` with the JSON body upstream's JSON services return. */
export function registerJsonHealth (app: FastifyInstance, { service, prefix = false, isHealthy = () => true }: JsonHealthOptions): void {
  const body = { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] }
  const schema = { response: { 200: body, 500: body } }
  const handler = async (_request: FastifyRequest, reply: FastifyReply) => {
    if (isHealthy()) return { status: `${service} is healthy` }
    reply.code(500)
    return { status: `${service} is not healthy` }
  }
  app.get('/health', { logLevel: 'warn', schema }, handler)
  if (prefix) app.get('/health/*', { logLevel: 'warn', schema }, handler)
}
