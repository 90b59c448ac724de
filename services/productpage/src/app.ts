import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'
import { createService, serverOptions } from '@bookinfo/service-kit'
import { meshPolicyLayer } from '@bookinfo/mesh-policy'
import type { Dispatcher } from 'undici'
import type { DiscoveryOptions } from './auth/oidc/discovery.ts'
import { simpleLoginPlugin } from './auth/simple-login.ts'
import { createBackendCaller } from './backends.ts'
import type { ProductpageConfig } from './config.ts'
import { createRequestResultCounter } from './metrics.ts'
import { securityHeadersPlugin } from './plugins/security-headers.ts'
import { staticAssetsPlugin } from './plugins/static-assets.ts'
import { viewsPlugin } from './plugins/views.ts'
import { apiRoutes } from './routes/api.ts'
import { healthRoutes } from './routes/health.ts'
import { indexPageRoutes } from './routes/index-page.ts'
import { productpageRoutes } from './routes/productpage.ts'

export interface ProductpageDeps {
  /** Outbound dispatcher for the backend calls (tests pass a MockAgent). */
  dispatcher?: Dispatcher
  /** Clock in ms for token expiry (tests move it). */
  now?: () => number
  /** OIDC discovery retry settings (tests shorten the pauses). */
  discovery?: DiscoveryOptions
}

const NOT_FOUND_HTML = '<!DOCTYPE html>\n<html lang="en">\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>There is nothing at this address.</p>\n</html>\n'

/** An unknown path gets an HTML 404, as upstream's Flask did. */
function notFound (_request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/html; charset=utf-8').send(NOT_FOUND_HTML)
}

export async function buildApp (
  config: ProductpageConfig,
  serverOpts: FastifyServerOptions = serverOptions(false),
  deps: ProductpageDeps = {}
): Promise<FastifyInstance> {
  // With Secure session cookies TLS ends at the ingress: @fastify/session stores a session only when
  // the request looks like HTTPS, so the ingress's X-Forwarded-Proto must count.
  // TRUST_PROXY_HOPS names how many proxies' X-Forwarded-For/-Proto count (the client IP the login's rate limit
  // keys on); without it, COOKIE_SECURE trusts every hop's proto only (the limiter then keys on the socket).
  const secureBehindProxy = config.oidc?.session.cookieSecure === true
  const hops = config.trustProxyHops
  const trustProxy = hops === undefined ? (secureBehindProxy ? true : undefined) : (_address: string, hop: number) => hop < hops
  const { app, metrics } = await createService({
    server: trustProxy === undefined ? serverOpts : { ...serverOpts, trustProxy },
    notFound,
    policy: meshPolicyLayer(config.meshPolicy),
  })
  await app.register(securityHeadersPlugin)
  const callBackend = createBackendCaller({
    config,
    counter: createRequestResultCounter(metrics),
    ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
  })

  await app.register(viewsPlugin)
  await app.register(staticAssetsPlugin)

  // The login mode owns /login, /logout and the session; routes see it only through `app.authMode`.
  if (config.authMode === 'oidc' && config.oidc !== undefined) {
    // Loaded only in this mode: the OAuth2 client, sessions and their Redis store are a fifth of the start-up.
    const { oidcLoginPlugin } = await import('./auth/oidc/plugin.ts')
    await app.register(oidcLoginPlugin, {
      config: config.oidc,
      rateLimit: config.loginRateLimit,
      rateLimitKeyFromSocket: trustProxy === true,
      now: deps.now ?? Date.now,
      ...(deps.discovery ? { discovery: deps.discovery } : {}),
    })
  } else {
    await app.register(simpleLoginPlugin, config.simpleLogin)
  }

  await app.register(healthRoutes)
  await app.register(indexPageRoutes, { config })
  await app.register(productpageRoutes, { callBackend, floodFactor: config.floodFactor })
  await app.register(apiRoutes, { callBackend })
  return app
}
