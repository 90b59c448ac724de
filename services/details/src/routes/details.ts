import { ERROR_BODY_SCHEMA, parseProductId, propagateHeaders, type RoutesPlugin } from '@bookinfo/service-kit'
import type { DetailsDeps } from '../app.ts'
import { staticBook } from '../book.ts'
import type { DetailsConfig } from '../config.ts'
import { fetchExternalBook } from '../external-book.ts'

export interface DetailsRouteOptions {
  config: DetailsConfig
  deps: DetailsDeps
}

const nullable = <T extends string>(type: T) => ({ type: [type, 'null'] }) as const

// The serializer writes keys in this order: it is the wire order of upstream's details object.
const bookSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    author: nullable('string'),
    year: { type: ['integer', 'string', 'null'] },
    type: { type: 'string' },
    pages: nullable('integer'),
    publisher: nullable('string'),
    language: { type: 'string' },
    'ISBN-10': nullable('string'),
    'ISBN-13': nullable('string'),
  },
  required: ['id', 'author', 'year', 'type', 'pages', 'publisher', 'language', 'ISBN-10', 'ISBN-13'],
  additionalProperties: false,
} as const

const schema = {
  params: { type: 'object', properties: { '*': { type: 'string' } } },
  response: { 200: bookSchema, 400: ERROR_BODY_SCHEMA },
} as const

const BAD_ID = { error: 'please provide numeric product id' }

/**
 * `/details/<id>` for GET, HEAD and POST, like upstream's WEBrick mount: a whole-segment prefix match
 * whose id is the LAST path segment (`/details/0/7` is book 7; `/details` and `/details/` are bad ids).
 */
export const detailsRoutes: RoutesPlugin<DetailsRouteOptions> = async (app, { config, deps }) => {
  // Upstream ignores request bodies: accept any content type here and discard the bytes (bodyLimit still applies).
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => { done(null, undefined) })

  for (const url of ['/details', '/details/*']) {
    app.route({
      method: ['GET', 'POST'],
      url,
      schema,
      handler: async (request, reply) => {
        const id = parseProductId(request.params['*']?.split('/').pop())
        if (id === undefined) return reply.code(400).send(BAD_ID)
        if (!config.externalBook) return staticBook(id)
        const book = await fetchExternalBook(id, config.externalBook, propagateHeaders(request.headers), deps.dispatcher)
        if ('error' in book) {
          request.log.warn({ error: book.error }, 'external book service failed')
          return reply.code(400).send(book)
        }
        return book
      },
    })
  }
}
