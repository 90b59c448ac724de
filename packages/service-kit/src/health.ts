import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

export interface JsonHealthOptions {
  /** Service name as upstream writes it: "Details", "Ratings", "Reviews". */
  service: string
  /** Also answer below `/health/` (details' WEBrick mount matched whole-segment prefixes). */
  prefix?: boolean
  /** false → 500 `{"status":"<Service> is not healthy"}` (ratings v-unhealthy). */
  isHealthy?: () => boolean
}

// Servers whose process has begun a graceful shutdown (listen.ts marks them on SIGTERM/SIGINT). Keyed by the
// HTTP server, which every encapsulated plugin context of one app shares.
const draining = new WeakSet<object>()

/** Readiness ends here: from now on `/health` answers 503 while the listener still serves everything else. */
export function markDraining (app: FastifyInstance): void {
  draining.add(app.server)
}

/** True once the app's process is shutting down: balancers and probes should stop sending it requests. */
export function isDraining (app: FastifyInstance): boolean {
  return draining.has(app.server)
}

/**
 * `GET /health` with the JSON body upstream's JSON services return while running; 503
 * `{"status":"<Service> is shutting down"}` once draining (readiness false, the listener still open).
 */
export function registerJsonHealth (app: FastifyInstance, { service, prefix = false, isHealthy = () => true }: JsonHealthOptions): void {
  const body = { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] }
  const schema = { response: { 200: body, 500: body, 503: body } }
  const handler = async (_request: FastifyRequest, reply: FastifyReply) => {
    if (isDraining(app)) {
      reply.code(503)
      return { status: `${service} is shutting down` }
    }
    if (isHealthy()) return { status: `${service} is healthy` }
    reply.code(500)
    return { status: `${service} is not healthy` }
  }
  app.get('/health', { logLevel: 'warn', schema }, handler)
  if (prefix) app.get('/health/*', { logLevel: 'warn', schema }, handler)
}
