import oauth2, { type OAuth2Namespace, type Token } from '@fastify/oauth2'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { OidcConfig } from '../../config.ts'
import { sameString } from './id-token.ts'

/** The endpoints @fastify/oauth2 is registered with (a subset of the discovery document). */
export interface OAuth2Endpoints {
  /** Front channel: where the browser is sent. */
  authorizationEndpoint: string
  /** Back channel: where productpage exchanges codes and refresh tokens. */
  tokenEndpoint: string
  /** `header` = client_secret_basic, `body` = client_secret_post. */
  tokenAuthMethod: 'header' | 'body'
}

/** Name of the @fastify/oauth2 decoration: `app.oidc` (and the library's alias `app.oauth2Oidc`). */
const NAME = 'oidc'

declare module 'fastify' {
  interface FastifyInstance {
    oidc: OAuth2Namespace
  }
}

/**
 * Auth0's endpoint layout under an issuer: `<issuer>authorize` for the browser and `/oauth/token` on the back
 * channel. The bundled IdP serves the same. Used when the IdP cannot be asked at start-up.
 */
export function auth0Endpoints (config: Pick<OidcConfig, 'issuer' | 'backChannelOrigin'>): OAuth2Endpoints {
  const issuer = new URL(config.issuer.endsWith('/') ? config.issuer : `${config.issuer}/`)
  return {
    authorizationEndpoint: new URL('authorize', issuer).href,
    tokenEndpoint: `${config.backChannelOrigin}${issuer.pathname}oauth/token`,
    tokenAuthMethod: 'header',
  }
}

/** True when discovery names the endpoints @fastify/oauth2 was registered with. */
export function sameEndpoints (a: OAuth2Endpoints, b: OAuth2Endpoints): boolean {
  return a.authorizationEndpoint === b.authorizationEndpoint && a.tokenEndpoint === b.tokenEndpoint && a.tokenAuthMethod === b.tokenAuthMethod
}

/** The state the callback must echo: the one this browser's session started (single-use, in the session). */
function checkState (request: FastifyRequest): boolean {
  const expected = request.session.login?.state
  const got = (request.query as { state?: unknown }).state
  return typeof expected === 'string' && expected !== '' && typeof got === 'string' && sameString(got, expected)
}

/**
 * Registers @fastify/oauth2 on productpage (state, PKCE S256, code exchange, refresh). The state is ours, kept
 * in the server-side session; the PKCE verifier is the library's signed, HttpOnly, Lax cookie (`__Host-` names
 * when the site is HTTPS-only). Every token call has the back-channel deadline.
 */
export async function registerOAuth2 (app: FastifyInstance, config: OidcConfig, endpoints: OAuth2Endpoints): Promise<void> {
  const authorize = new URL(endpoints.authorizationEndpoint)
  const token = new URL(endpoints.tokenEndpoint)
  await app.register(oauth2, {
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
      options: { authorizationMethod: endpoints.tokenAuthMethod },
    },
    callbackUri: config.callbackUrl,
    callbackUriParams: { audience: config.audience },
    scope: config.scope.split(' '),
    pkce: 'S256',
    generateStateFunction: (request: FastifyRequest) => request.session.login?.state ?? '',
    checkStateFunction: checkState,
    cookie: { signed: true, secure: config.session.cookieSecure, path: '/', httpOnly: true, sameSite: 'lax' },
    hostPrefixedCookies: config.session.cookieSecure,
    userAgent: 'bookinfo-productpage',
  })
}

/** The authorize URL for this request (sets the PKCE verifier cookie on `reply`), with the OIDC nonce added. */
export async function authorizationUrl (request: FastifyRequest, reply: FastifyReply, nonce: string): Promise<string> {
  const url = new URL(await request.server.oidc.generateAuthorizationUri(request, reply))
  // @fastify/oauth2 has no nonce: added here, checked in the ID token after the exchange.
  url.searchParams.set('nonce', nonce)
  return url.href
}

/** Checks the callback's state, then exchanges the code with the PKCE verifier. Throws what the library throws. */
export async function exchangeCode (request: FastifyRequest, reply: FastifyReply): Promise<Token> {
  return (await request.server.oidc.getAccessTokenFromAuthorizationCodeFlow(request, reply)).token
}

export async function refreshTokens (app: FastifyInstance, refreshToken: string): Promise<Token> {
  return (await app.oidc.getNewAccessTokenUsingRefreshToken({ refresh_token: refreshToken } as Token, {})).token
}

/** The token endpoint's status when it answered (a Boom error from @hapi/wreck), else undefined. */
export function tokenEndpointStatus (err: unknown): number | undefined {
  const status = (err as { data?: { res?: { statusCode?: unknown } } }).data?.res?.statusCode
  return typeof status === 'number' ? status : undefined
}
