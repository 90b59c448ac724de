import { randomUUID } from 'node:crypto'
import type { FastifyReply, FastifyServerOptions } from 'fastify'
import type { Logger } from 'pino'
import { AccessLogController } from './access-log.ts'

/**
 * Server hygiene shared by all services: explicit timeouts and bounds, request ids from the mesh.
 * `logger` is the process logger (logger.ts createLogger), or false for none (tests).
 */
export function serverOptions (logger: Logger | false): FastifyServerOptions {
  return {
    ...(logger
      ? {
          loggerInstance: logger,
          logController: new AccessLogController(logger),
          // Fastify passes `{}` when the route sets no log level; pino's child() takes a faster path without it.
          childLoggerFactory: (parent, bindings, opts) => Object.keys(opts).length === 0 ? parent.child(bindings) : parent.child(bindings, opts),
        }
      : { logger: false }),
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
    // Compiling the JSON Schema meta-schema to check our own route schemas was about a tenth of start-up and
    // 8 MiB; compiling a route schema still refuses an unknown keyword or type and a mistyped keyword value.
    ajv: { customOptions: { validateSchema: false } },
  }
}
