import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CallBackend } from '../backends.ts'
import { sessionUser } from '../auth/auth-mode.ts'
import { outboundHeaders } from '../outbound-headers.ts'
import { detailsBlock, reviewsBlock } from '../page-model.ts'
import { PRODUCTS } from '../products.ts'

export interface ProductpageRouteOptions {
  callBackend: CallBackend
  floodFactor: number
}

// The page always shows product 0, as upstream (the query string, e.g. `?u=test`, is ignored).
const PRODUCT_ID = 0

/**
 * `GET /productpage`. Upstream calls details, then the flood calls, then reviews, one after the other.
 * We run details beside the reviews chain (flood first, then the real reviews call), so the page takes
 * max(details, flood + reviews) instead of the sum; each backend still sees the calls upstream makes.
 */
export async function productpageRoutes (app: FastifyInstance, { callBackend, floodFactor }: ProductpageRouteOptions): Promise<void> {
  app.get('/productpage', {
    // Any query string is accepted and ignored (`?u=test`), as upstream.
    schema: { querystring: { type: 'object', additionalProperties: true }, response: { 200: { type: 'string' } } },
  }, async (request: FastifyRequest, reply: FastifyReply) => {
    const headers = outboundHeaders(request)
    const details = callBackend('details', PRODUCT_ID, headers, request.log)
    const reviews = (async () => {
      if (floodFactor > 0) {
        // Discarded calls for the rate-limit demo; concurrent (upstream: sequential, contract §11 #8),
        // each bounded by its own deadlines, all settled before the real reviews call starts.
        await Promise.all(Array.from({ length: floodFactor }, () => callBackend('reviews', PRODUCT_ID, headers, request.log)))
      }
      return callBackend('reviews', PRODUCT_ID, headers, request.log)
    })()

    const [detailsResult, reviewsResult] = await Promise.all([details, reviews])

    const user = sessionUser(request)
    const signIn = request.server.authMode.signIn
    // The page is per user: never kept in a cache, so Back after sign-out cannot show a signed-in copy.
    reply.header('cache-control', 'no-store')
    return reply.view('productpage.hbs', {
      product: PRODUCTS[0],
      details: detailsBlock(detailsResult),
      reviews: reviewsBlock(reviewsResult),
      user,
      showLoginModal: !user && signIn.kind === 'form',
      signInLink: signIn.kind === 'link' ? signIn.href : undefined,
    })
  })
}
