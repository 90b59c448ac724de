import { randomUUID } from 'node:crypto'
import type { FastifyReply, FastifyServerOptions } from 'fastify'
import type { LoggerOptions } from 'pino'

/** Server hygiene shared by all services: explicit timeouts and bounds, request ids from the mesh. */
export function serverOptions (logger: LoggerOptions | boolean): FastifyServerOptions {
  return {
    logger,
    // Slow or stalled clients cannot hold sockets forever.
    connectionTimeout: 60_000,
    requestTimeout: 30_000,
    // Above Envoy's default idle timeout would be wrong; below gunicorn's 2 s would waste connections.
    keepAliveTimeout: 5_000,
    bodyLimit: 64 * 1024,
    // Envoy sets x-request-id; keep it so logs line up with traces. Bounded by Node's header size limit.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Errors raised before routing (malformed URL, over-long parameter) get the same JSON shape as ours,
    // without echoing the URL back.
    frameworkErrors: (error, _request, rawReply) => {
      const reply = rawReply as FastifyReply
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400
      reply.code(status).type('application/json').send({ error: status === 414 ? 'URI too long' : 'malformed request' })
    },
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: false, ignoreDuplicateSlashes: false },
  }
}
