import { ERROR_BODY_SCHEMA, parseProductId, type RoutesPlugin } from '@bookinfo/service-kit'
import type { FastifyReply } from 'fastify'
import type { Config } from '../config.ts'
import type { RatingsSource } from '../db/source.ts'
import { describeDbError } from '../db/describe-error.ts'
import type { Faults } from '../faults.ts'
import { parseRatingsBody } from '../ratings-body.ts'
import type { Ratings, RatingsStore } from '../store.ts'
import type { RatingsDeps } from '../world.ts'

export interface RatingsRoutesOptions {
  config: Config
  faults: Faults
  store: RatingsStore
  /** Present in v2 (database mode) only. */
  source: RatingsSource | undefined
  /** Aborted when the app closes, so a v-delayed answer does not hold up shutdown. */
  shutdown: AbortSignal
  sleep: Required<RatingsDeps>['sleep']
}

/** POST bodies are tiny (a few reviewers); anything larger is refused with 413 before parsing. */
export const POST_BODY_LIMIT = 8 * 1024

const DEFAULT_RATINGS: Ratings = { Reviewer1: 5, Reviewer2: 4 }

const ratingsBody = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    ratings: { type: 'object', additionalProperties: { type: 'integer' } },
  },
  required: ['id', 'ratings'],
} as const
// Upstream matched the prefix `^/ratings/[0-9]*` and took the id from the last segment, so `/ratings/`
// and `/ratings/0/x` answered 400, not 404: a wildcard keeps that.
const params = { type: 'object', properties: { '*': { type: 'string' } }, required: ['*'] } as const

export const ratingsRoutes: RoutesPlugin<RatingsRoutesOptions> = async (app, { config, faults, store, source, shutdown, sleep }) => {
  // Upstream parsed the raw body as JSON whatever the content type (or none): keep every body as text here
  // (this plugin's scope only) and parse it in the handler.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: POST_BODY_LIMIT }, (_request, body, done) => { done(null, body) })

  app.get('/ratings/*', {
    schema: { params, response: { 200: ratingsBody, 400: ERROR_BODY_SCHEMA, 500: ERROR_BODY_SCHEMA, 503: ERROR_BODY_SCHEMA } },
  }, async (request, reply) => {
    const id = parseProductId(request.params['*'])
    if (id === undefined) return badId(reply)

    if (source) {
      const result = await source.load()
      if (result.kind === 'ok') {
        const [Reviewer1, Reviewer2] = result.stars
        return { id, ratings: { Reviewer1, Reviewer2 } }
      }
      request.log.warn({ db: config.database.type, error: describeDbError(result.cause) }, `ratings database: ${result.kind}`)
      if (result.kind === 'connect-failed') {
        // Upstream MySQL answered 200 with this body and no content type [QUIRK]; reviews renders a 500 the same.
        return reply.code(500).send({ error: 'could not connect to ratings database' })
      }
      return reply.code(500).send({ error: config.database.type === 'mysql' ? 'could not perform select' : 'could not load ratings from database' })
    }

    const decision = faults.forGet()
    if (decision === 'unavailable') return reply.code(503).send({ error: 'Service unavailable' })
    if (decision === 'delay') await sleep(config.delayMs, shutdown)
    return { id, ratings: store.get(id) ?? DEFAULT_RATINGS }
  })

  app.post('/ratings/*', {
    bodyLimit: POST_BODY_LIMIT,
    // The body arrives as text (see the parser above); its ratings shape is checked by parseRatingsBody.
    // attachValidation keeps upstream's order of checks: id first, then body, then v2's 501.
    attachValidation: true,
    schema: {
      params,
      body: { type: 'string', maxLength: POST_BODY_LIMIT },
      response: { 200: ratingsBody, 400: ERROR_BODY_SCHEMA, 501: ERROR_BODY_SCHEMA },
    },
  }, async (request, reply) => {
    const id = parseProductId(request.params['*'])
    if (id === undefined) return badId(reply)
    const ratings = request.validationError ? undefined : parseRatingsBody(request.body)
    if (ratings === undefined) return reply.code(400).send({ error: 'please provide valid ratings JSON' })
    if (source) return reply.code(501).send({ error: 'Post not implemented for database backed ratings' })
    store.set(id, ratings)
    return { id, ratings }
  })
}

function badId (reply: FastifyReply): FastifyReply {
  // "ID" in capitals, as upstream wrote it.
  return reply.code(400).send({ error: 'please provide numeric product ID' })
}
