import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { OidcConfig } from '../../config.ts'
import { rateLimitPluginFp, type LoginRateLimit } from '../../plugins/rate-limit.ts'
import { installAuthMode } from '../auth-mode.ts'
import { sessionPluginFp } from '../session.ts'
import { lazyOidcClient } from './client.ts'
import { discover, type DiscoveryOptions } from './discovery.ts'
import { auth0Endpoints, registerOAuth2 } from './oauth2.ts'
import { oidcCredentials } from './outbound-credentials.ts'
import { oidcRoutes } from './routes.ts'
import { installTokenRefresh, signedInTokens } from './session-refresh.ts'

export interface OidcLoginOptions {
  config: OidcConfig
  /** Requests per client to /login and /callback per window. */
  rateLimit: LoginRateLimit
  /** Key the limit on the socket's peer (the server trusts every X-Forwarded-For hop). */
  rateLimitKeyFromSocket: boolean
  /** Clock in ms (tests move it to expire tokens). */
  now: () => number
  discovery?: DiscoveryOptions
}

/**
 * The OIDC login mode: the server-side session, @fastify/oauth2, the auth mode the pages and backend calls
 * see, token refresh, and the three routes. Discovery is tried once here; when the IdP does not answer,
 * productpage starts anyway (the anonymous page needs no IdP) with @fastify/oauth2 set to Auth0's endpoint
 * layout, and the next /login discovers again.
 */
async function oidcLogin (app: FastifyInstance, { config, rateLimit, rateLimitKeyFromSocket, now, discovery = {} }: OidcLoginOptions): Promise<void> {
  await app.register(sessionPluginFp, { config: config.session, timeoutMs: config.httpTimeoutMs })
  await app.register(rateLimitPluginFp, { keyFromSocket: rateLimitKeyFromSocket })

  const first = await discover(config, discovery)
  if (first.ok) app.log.info({ issuer: config.issuer }, 'OIDC discovery done')
  else app.log.warn({ reason: first.reason }, 'OIDC discovery failed; the next /login tries again')
  const endpoints = first.ok ? first.metadata : auth0Endpoints(config)
  await registerOAuth2(app, config, endpoints)
  const oidc = lazyOidcClient(config, endpoints, discovery, first)

  installAuthMode(app, {
    name: 'oidc',
    // An expired access token (not refreshed by installTokenRefresh) is a signed-out user.
    sessionUser: (request) => signedInTokens(request, now()) === undefined ? undefined : request.session.user,
    outboundHeaders: (request) => oidcCredentials(request, now()),
    signIn: { kind: 'link', href: '/login' },
  })
  installTokenRefresh(app, oidc, now)
  await app.register(oidcRoutes, { config, oidc, now, rateLimit })
}

export const oidcLoginPlugin = fp(oidcLogin, { name: 'productpage-oidc-login', fastify: '5.x' })
