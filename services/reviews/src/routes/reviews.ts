import { ERROR_BODY_SCHEMA, parseProductId, propagateHeaders, type RoutesPlugin } from '@bookinfo/service-kit'
import type { ReviewsDeps } from '../app.ts'
import type { ReviewsConfig } from '../config.ts'
import { createRatingsClient } from '../ratings-client.ts'
import { reviewsBody } from '../reviews.ts'

export interface ReviewsRouteOptions {
  config: ReviewsConfig
  deps: ReviewsDeps
}

// Property order here is the wire order: the serializer writes keys as listed.
const ratingSchema = {
  type: 'object',
  properties: { stars: { type: 'integer' }, color: { type: 'string' }, error: { type: 'string' } },
  additionalProperties: false,
} as const

const reviewsSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    podname: { type: 'string' },
    clustername: { type: 'string' },
    reviews: {
      type: 'array',
      items: {
        type: 'object',
        properties: { reviewer: { type: 'string' }, text: { type: 'string' }, rating: ratingSchema },
        required: ['reviewer', 'text'],
        additionalProperties: false,
      },
    },
  },
  required: ['id', 'podname', 'clustername', 'reviews'],
  additionalProperties: false,
} as const

const schema = {
  params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
  response: {
    200: reviewsSchema,
    404: ERROR_BODY_SCHEMA,
  },
} as const

// Upstream's JAX-RS `int` path parameter: a value outside Java's int range does not match the resource.
const INT_MIN = -(2 ** 31)
const INT_MAX = 2 ** 31 - 1

export const reviewsRoutes: RoutesPlugin<ReviewsRouteOptions> = async (app, { config, deps }) => {
  const fetchRatings = config.ratings ? createRatingsClient(config.ratings, deps.dispatcher) : undefined
  app.get('/reviews/:id', { schema }, async (request, reply) => {
    const id = parseProductId(request.params.id)
    if (id === undefined || id < INT_MIN || id > INT_MAX) {
      return reply.code(404).send({ error: 'product id must be an integer' })
    }
    const base = { id, podName: config.podName, clusterName: config.clusterName, starColor: config.starColor }
    if (!fetchRatings) return reviewsBody({ ...base, ratings: undefined })
    const answer = await fetchRatings(id, propagateHeaders(request.headers))
    if (!answer.ok) request.log.warn({ reason: answer.reason }, 'ratings call failed')
    return reviewsBody({ ...base, ratings: answer.ok ? answer.ratings : null })
  })
}
