import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import oauth2, { type OAuth2Namespace, type Token } from '@fastify/oauth2'
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose'
import type { OidcConfig } from '../config.ts'
import { discover, type DiscoveryOptions, type OidcMetadata } from './oidc-discovery.ts'

/** What the login routes use once discovery has succeeded. */
export interface OidcClient {
  metadata: OidcMetadata
  /** Keys for the ID token, fetched (and cached) from the back-channel JWKS URL. */
  jwks: JWTVerifyGetKey
  /** The authorize URL (state and PKCE S256 by @fastify/oauth2, which sets its verifier cookie on `reply`). */
  authorizationUrl: (request: FastifyRequest, reply: FastifyReply, nonce: string) => Promise<string>
  /** Checks the state (through `checkState`) and exchanges the code with the PKCE verifier. */
  exchangeCode: (request: FastifyRequest, reply: FastifyReply) => Promise<Token>
  refresh: (refreshToken: string) => Promise<Token>
}

export type ClientResult = { ok: true, client: OidcClient } | { ok: false, reason: string }

export interface OidcClientHooks {
  /** The state of the login this request started (kept in the server-side session). */
  stateFor: (request: FastifyRequest) => string
  /** True when the callback's `state` is the one this browser's session started. */
  checkState: (request: FastifyRequest) => boolean
}

/** Name of the @fastify/oauth2 decoration. */
const NAME = 'oidc'

/**
 * @fastify/oauth2 with the endpoints from our own discovery. The plugin can only be registered before an
 * app starts, and its own discovery is one GET at registration (an IdP that is down would stop
 * productpage from starting). So it is registered on a small private Fastify instance that never listens,
 * built once discovery has succeeded; its decoration (state, PKCE S256, code exchange, refresh) is then
 * called with productpage's own requests and replies.
 */
export async function createOidcClient (config: OidcConfig, metadata: OidcMetadata, hooks: OidcClientHooks): Promise<OidcClient> {
  const authorize = new URL(metadata.authorizationEndpoint)
  const token = new URL(metadata.tokenEndpoint)
  const holder = Fastify({ logger: false })
  await holder.register(oauth2, {
    name: NAME,
    credentials: {
      client: { id: config.clientId, secret: config.clientSecret },
      auth: {
        authorizeHost: authorize.origin,
        authorizePath: `${authorize.pathname}${authorize.search}`,
        tokenHost: token.origin,
        tokenPath: `${token.pathname}${token.search}`,
      },
      // Passed to @hapi/wreck: a deadline on every token call.
      http: { timeout: config.httpTimeoutMs },
      options: { authorizationMethod: metadata.tokenAuthMethod },
    },
    callbackUri: config.callbackUrl,
    callbackUriParams: { audience: config.audience },
    scope: config.scope.split(' '),
    pkce: 'S256',
    generateStateFunction: (request: FastifyRequest) => hooks.stateFor(request),
    checkStateFunction: (request: FastifyRequest) => hooks.checkState(request),
    // The PKCE verifier cookie: signed, HttpOnly, Lax; `__Host-` names when the site is HTTPS-only.
    cookie: { signed: true, secure: config.session.cookieSecure, path: '/', httpOnly: true, sameSite: 'lax' },
    hostPrefixedCookies: config.session.cookieSecure,
    userAgent: 'bookinfo-productpage',
  })
  await holder.ready()
  const flow = (holder as unknown as Record<string, OAuth2Namespace>)[NAME] as OAuth2Namespace
  const jwks = createRemoteJWKSet(new URL(metadata.jwksUri), {
    timeoutDuration: config.httpTimeoutMs,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
  })

  return {
    metadata,
    jwks,
    authorizationUrl: async (request, reply, nonce) => {
      const url = new URL(await flow.generateAuthorizationUri(request, reply))
      // @fastify/oauth2 has no nonce: added here, checked in the ID token after the exchange.
      url.searchParams.set('nonce', nonce)
      return url.href
    },
    exchangeCode: async (request, reply) => (await flow.getAccessTokenFromAuthorizationCodeFlow(request, reply)).token,
    refresh: async (refreshToken) => (await flow.getNewAccessTokenUsingRefreshToken({ refresh_token: refreshToken } as Token, {})).token,
  }
}

export interface LazyOidcClient {
  /** The client, discovering first if needed. */
  get: () => Promise<ClientResult>
}

/**
 * Discovery on demand: tried when the app starts (in the background) and again by the next `/login`
 * after a failure; concurrent callers share one attempt. A success is kept for the life of the process.
 */
export function lazyOidcClient (config: OidcConfig, hooks: OidcClientHooks, opts: DiscoveryOptions = {}): LazyOidcClient {
  let ready: OidcClient | undefined
  let inflight: Promise<ClientResult> | undefined
  const get = async (): Promise<ClientResult> => {
    if (ready !== undefined) return { ok: true, client: ready }
    inflight ??= (async (): Promise<ClientResult> => {
      try {
        const found = await discover(config, opts)
        if (!found.ok) return found
        ready = await createOidcClient(config, found.metadata, hooks)
        return { ok: true, client: ready }
      } catch (err) {
        return { ok: false, reason: `OIDC client set-up failed: ${(err as Error).message}` }
      } finally {
        inflight = undefined
      }
    })()
    return inflight
  }
  return { get }
}
