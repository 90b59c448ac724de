import type { FastifyError, FastifyInstance } from 'fastify'
import type { OidcConfig } from '../../config.ts'
import { loginRateLimitConfig, RateLimitedError, type LoginRateLimit } from '../../plugins/rate-limit.ts'
import { CALLBACK_QUERY_SCHEMA, callbackHandler } from './callback.ts'
import type { LazyOidcClient } from './client.ts'
import { HTML_RESPONSES, sendProblem } from './error-pages.ts'
import { loginHandler } from './login.ts'
import { logoutHandler } from './logout.ts'
import { dropPendingLogin } from './session-refresh.ts'

export interface OidcRoutesOptions {
  config: OidcConfig
  rateLimit: LoginRateLimit
  oidc: LazyOidcClient
  now: () => number
}

// Any query string is accepted (and ignored) on /login and /logout, as upstream's routes did.
const ANY_QUERY = { type: 'object', additionalProperties: true } as const

/** `/login`, `/callback` and `/logout` of the OIDC mode (login.ts, callback.ts, logout.ts); the first two rate-limited per client. */
export async function oidcRoutes (routes: FastifyInstance, { config, oidc, now, rateLimit }: OidcRoutesOptions): Promise<void> {
  // A query that breaks the schema (a repeated or oversized parameter) gets the HTML error page too, and a client
  // over the sign-in rate limit the 429 page (the limiter already set Retry-After). Neither touches the session.
  routes.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof RateLimitedError) {
      request.log.warn({ retryAfterSeconds: error.retryAfterSeconds }, 'sign-in rate limit exceeded')
      return sendProblem(reply, 'rate-limited')
    }
    if (error.validation === undefined) throw error
    request.log.info({ reason: error.message }, 'sign-in request rejected')
    await dropPendingLogin(request, reply)
    return sendProblem(reply, 'bad-callback')
  })
  const limited = loginRateLimitConfig(rateLimit)
  routes.get('/login', { config: limited, schema: { querystring: ANY_QUERY, response: HTML_RESPONSES } }, loginHandler(config, oidc, now))
  routes.get('/callback', { config: limited, schema: { querystring: CALLBACK_QUERY_SCHEMA, response: HTML_RESPONSES } }, callbackHandler(config, oidc, now))
  routes.get('/logout', { schema: { querystring: ANY_QUERY, response: HTML_RESPONSES } }, logoutHandler(config, oidc))
}
