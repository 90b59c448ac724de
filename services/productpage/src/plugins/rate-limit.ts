import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'

/** Requests one client may make to each sign-in route per window; `max` 0 turns the limit off. */
export interface LoginRateLimit {
  max: number
  windowSeconds: number
}

/** Thrown by the limiter when a client is over its limit; the login routes render it as the 429 page. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError'
  readonly statusCode = 429
  readonly retryAfterSeconds: number

  constructor (retryAfterSeconds: number) {
    super('too many sign-in requests')
    this.retryAfterSeconds = retryAfterSeconds
  }
}

export interface RateLimitPluginOptions {
  /**
   * True when the server trusts every X-Forwarded-For hop (COOKIE_SECURE without TRUST_PROXY_HOPS): then
   * `request.ip` is the left-most address, which the client writes itself, so the socket's peer is the key.
   */
  keyFromSocket: boolean
}

/** The client a limit counts for: `request.ip` (the peer, or the address TRUST_PROXY_HOPS proxies back). */
function clientKey (keyFromSocket: boolean) {
  return (request: FastifyRequest): string => (keyFromSocket ? request.socket.remoteAddress : request.ip) ?? 'unknown'
}

/**
 * @fastify/rate-limit, applied only to routes that ask for it (`config: loginRateLimitConfig(...)`): an
 * in-process counter per client and route, fixed windows, `Retry-After` on the 429.
 */
async function rateLimitPlugin (app: FastifyInstance, { keyFromSocket }: RateLimitPluginOptions): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    keyGenerator: clientKey(keyFromSocket),
    // Counting is per route: /login and /callback each have their own budget.
    errorResponseBuilder: (_request, context) => new RateLimitedError(Math.max(1, Math.ceil(context.ttl / 1000))),
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': true },
  })
}

export const rateLimitPluginFp = fp(rateLimitPlugin, { name: 'productpage-rate-limit', fastify: '5.x' })

/** Route config for a limited route (nothing when the limit is off). */
export function loginRateLimitConfig (limit: LoginRateLimit): { rateLimit?: { max: number, timeWindow: number } } {
  return limit.max === 0 ? {} : { rateLimit: { max: limit.max, timeWindow: limit.windowSeconds * 1000 } }
}
