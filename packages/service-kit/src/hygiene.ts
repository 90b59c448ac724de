import fp from 'fastify-plugin'
import FindMyWay, { type HTTPMethod } from 'find-my-way'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

export interface HygieneOptions {
  /** Body and content type of a 404; each upstream service answered differently. */
  notFound?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply
}

/** Response schema of every `{ "error": "..." }` body, ours and the services' own 4xx/5xx answers. */
export const ERROR_BODY_SCHEMA = { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] } as const

const METHODS: HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']

/**
 * Error and not-found handling for every service:
 * - a 5xx never shows internals (the error is logged, the client gets a generic body);
 * - a 4xx says what was wrong;
 * - a path that exists under another method gets 405 with `Allow`, never a hang or a 500;
 * - JSON goes out as `application/json`, exactly as upstream.
 */
async function hygiene (app: FastifyInstance, opts: HygieneOptions): Promise<void> {
  // Our own index of routes, to tell "wrong method" (405) from "no such path" (404).
  const routes = FindMyWay()
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) {
      if (METHODS.includes(method as HTTPMethod) && !routes.hasRoute(method as HTTPMethod, route.url)) {
        routes.on(method as HTTPMethod, route.url, () => {})
      }
    }
  })

  // Upstream services send `application/json` bare (RFC 8259: JSON is UTF-8, the parameter means nothing);
  // Fastify always appends a charset, so restore the upstream header byte for byte.
  // A callback hook, not an async one: it runs on every response, and a promise per response costs.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (reply.getHeader('content-type') === 'application/json; charset=utf-8') reply.header('content-type', 'application/json')
    done(null, payload)
  })

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/'
    const allowed = METHODS.filter((m) => routes.find(m, path) !== null)
    // A matched route that calls callNotFound() (e.g. productpage's assets for a missing file) is a plain 404.
    if (allowed.length > 0 && !allowed.includes(request.method as HTTPMethod)) {
      return reply.code(405).header('allow', allowed.join(', ')).type('application/json')
        .send({ error: `method ${request.method} not allowed` })
    }
    if (opts.notFound) return opts.notFound(request, reply)
    return reply.code(404).type('application/json').send({ error: 'not found' })
  })

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed')
      return reply.code(status).type('application/json').send({ error: 'internal server error' })
    }
    request.log.info({ code: error.code, status }, 'request rejected')
    return reply.code(status).type('application/json').send({ error: error.message })
  })
}

// No `fastify: '5.x'` range: checking it parses a semver range at start-up (~25 ms on details, ratings,
// reviews, which register no other versioned plugin); the workspace pins one Fastify for kit and services.
export const hygienePlugin = fp(hygiene, { name: 'bookinfo-hygiene' })
