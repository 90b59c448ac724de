import { randomBytes } from 'node:crypto'
import fp from 'fastify-plugin'
import { fetchWithDeadline, isRecord, parseJson } from '@bookinfo/service-kit'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { OidcConfig } from '../config.ts'
import { installAuthMode } from './auth-mode.ts'
import { sameString, verifyIdToken } from './id-token.ts'
import { lazyOidcClient, type OidcClient } from './oidc-client.ts'
import type { DiscoveryOptions } from './oidc-discovery.ts'
import { endUserHeader, isUsable, nameFromClaims, tokensFromResponse, type TokenResponse } from './oidc-tokens.ts'
import { isCrossSite } from './same-origin.ts'
import { SESSION_COOKIE, sessionPluginFp, type SessionTokens } from './session.ts'

export interface OidcLoginOptions {
  config: OidcConfig
  /** Clock in ms (tests move it to expire tokens). */
  now: () => number
  discovery?: DiscoveryOptions
}

/** How long a started login may take (the IdP's login page included). */
export const PENDING_LOGIN_MS = 10 * 60_000

type Problem =
  | 'idp-unavailable' | 'session-store' | 'denied' | 'idp-error' | 'bad-callback' | 'expired-login'
  | 'code-rejected' | 'token-invalid' | 'cross-site-logout'

/** The error pages: what went wrong in words a reader of the page understands; never request input. */
const PROBLEMS: Record<Problem, { status: number, title: string, message: string, retry: boolean }> = {
  'idp-unavailable': { status: 502, title: 'Sign-in is not available right now', message: 'The sign-in service could not be reached. Please try again in a moment.', retry: true },
  'session-store': { status: 503, title: 'Sign-in is not available right now', message: 'Your session could not be stored. Please try again in a moment.', retry: true },
  denied: { status: 400, title: 'Sign-in cancelled', message: 'The sign-in was cancelled or refused.', retry: true },
  'idp-error': { status: 400, title: 'Sign-in failed', message: 'The sign-in service reported an error.', retry: true },
  'bad-callback': { status: 400, title: 'Sign-in failed', message: 'The answer from the sign-in service was incomplete or malformed.', retry: true },
  'expired-login': { status: 400, title: 'Sign-in expired', message: 'This sign-in was not started in this browser, was already used, or took too long.', retry: true },
  'code-rejected': { status: 400, title: 'Sign-in failed', message: 'The sign-in could not be completed: the sign-in service did not accept it.', retry: true },
  'token-invalid': { status: 502, title: 'Sign-in failed', message: 'The answer from the sign-in service could not be verified.', retry: true },
  'cross-site-logout': { status: 403, title: 'Sign-out refused', message: 'Sign-out requests from other sites are refused. Use the sign-out link on the page.', retry: false },
}

interface CallbackQuery {
  code?: string
  state?: string
  error?: string
  iss?: string
}

const htmlResponses = { 302: { type: 'null' }, '4xx': { type: 'string' }, '5xx': { type: 'string' } }

const callbackSchema = {
  querystring: {
    type: 'object',
    properties: {
      code: { type: 'string', maxLength: 2048 },
      state: { type: 'string', maxLength: 512 },
      error: { type: 'string', maxLength: 256 },
      error_description: { type: 'string', maxLength: 2048 },
      iss: { type: 'string', maxLength: 2048 },
    },
  },
  response: htmlResponses,
}

function random (): string {
  return randomBytes(32).toString('base64url')
}

async function sendProblem (reply: FastifyReply, problem: Problem): Promise<FastifyReply> {
  const { status, ...view } = PROBLEMS[problem]
  return reply.code(status).header('cache-control', 'no-store').view('auth-error.hbs', view)
}

/** The token endpoint's status when it answered (a Boom error from @hapi/wreck), else undefined. */
function tokenEndpointStatus (err: unknown): number | undefined {
  const status = (err as { data?: { res?: { statusCode?: unknown } } }).data?.res?.statusCode
  return typeof status === 'number' ? status : undefined
}

/**
 * The OIDC login mode: `/login` starts an authorization-code flow (state, PKCE S256, nonce, audience),
 * `/callback` finishes it (state, code exchange, ID-token checks, a new session id), `/logout` ends both
 * sessions. Tokens stay in the server-side session; backends get `Authorization: Bearer` and `end-user`.
 */
async function oidcLogin (app: FastifyInstance, { config, now, discovery }: OidcLoginOptions): Promise<void> {
  await app.register(sessionPluginFp, { config: config.session, timeoutMs: config.httpTimeoutMs })
  const sessionMaxAgeMs = config.session.maxAgeSeconds * 1000
  let warnedInsecure = false

  const oidc = lazyOidcClient(config, {
    stateFor: (request) => request.session.login?.state ?? '',
    checkState: (request) => {
      const expected = request.session.login?.state
      const got = (request.query as CallbackQuery).state
      return typeof expected === 'string' && expected !== '' && typeof got === 'string' && sameString(got, expected)
    },
  }, discovery)

  // Discovery starts with the app but never holds it up: the anonymous page works without the IdP.
  app.addHook('onReady', async () => {
    oidc.get().then((result) => {
      if (result.ok) app.log.info({ issuer: config.issuer }, 'OIDC discovery done')
      else app.log.warn({ reason: result.reason }, 'OIDC discovery failed; the next /login tries again')
    }, () => {})
  })

  const signedInTokens = (request: FastifyRequest): SessionTokens | undefined => {
    const session = request.session
    if (typeof session?.user !== 'string') return undefined
    return isUsable(session.tokens, now()) ? session.tokens : undefined
  }

  installAuthMode(app, {
    name: 'oidc',
    // An expired access token (not refreshed by the hook below) is a signed-out user.
    sessionUser: (request) => signedInTokens(request) === undefined ? undefined : request.session.user,
    outboundHeaders: (request): Record<string, string> => {
      const tokens = signedInTokens(request)
      const user = request.session?.user
      if (tokens === undefined || user === undefined) return {}
      return { authorization: `Bearer ${tokens.accessToken}`, 'end-user': endUserHeader(user) }
    },
    signIn: { kind: 'link', href: '/login' },
  })

  // One refresh per session at a time, however many requests arrive with the expired token.
  type RefreshOutcome = { kind: 'ok', tokens: SessionTokens } | { kind: 'rejected' } | { kind: 'unavailable' }
  const refreshing = new Map<string, Promise<RefreshOutcome>>()
  const refresh = async (request: FastifyRequest, refreshToken: string): Promise<RefreshOutcome> => {
    const client = await oidc.get()
    if (!client.ok) return { kind: 'unavailable' }
    try {
      const tokens = tokensFromResponse(await client.client.refresh(refreshToken) as TokenResponse, now(), refreshToken)
      return tokens === undefined ? { kind: 'rejected' } : { kind: 'ok', tokens }
    } catch (err) {
      const status = tokenEndpointStatus(err)
      request.log.warn({ status, reason: (err as Error).message }, 'access token refresh failed')
      return status !== undefined && status >= 400 && status < 500 ? { kind: 'rejected' } : { kind: 'unavailable' }
    }
  }

  // An expired access token is never forwarded: refreshed when a refresh token exists, else signed out.
  // (When the IdP cannot be reached the session is kept, but the request is anonymous until a refresh works.)
  app.addHook('preHandler', async (request) => {
    const session = request.session
    if (session?.tokens === undefined || isUsable(session.tokens, now())) return
    const { refreshToken } = session.tokens
    let outcome: RefreshOutcome = { kind: 'rejected' }
    if (refreshToken !== undefined) {
      const key = session.sessionId
      let pending = refreshing.get(key)
      if (pending === undefined) {
        pending = refresh(request, refreshToken).finally(() => refreshing.delete(key))
        refreshing.set(key, pending)
      }
      outcome = await pending
    }
    if (outcome.kind === 'ok') {
      session.tokens = outcome.tokens
    } else if (outcome.kind === 'rejected') {
      request.log.info('access token expired: signed out')
      delete session.user
      delete session.tokens
    }
  })

  /** Forgets a failed login's state; a session left with nothing in it is deleted with its cookie. */
  const dropPendingLogin = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const session = request.session
    if (session?.login === undefined) return
    delete session.login
    try {
      if (session.user === undefined && session.tokens === undefined) {
        await session.destroy()
        reply.clearCookie(SESSION_COOKIE, { path: '/' })
      } else {
        await session.save()
      }
    } catch (err) {
      request.log.warn({ reason: (err as Error).message }, 'session store error while dropping a failed login')
    }
  }

  const userName = async (client: OidcClient, claims: Record<string, unknown>, accessToken: string): Promise<string> => {
    const fromToken = nameFromClaims(claims)
    if (fromToken !== undefined || client.metadata.userinfoEndpoint === undefined) return fromToken ?? String(claims.sub)
    // Some IdPs keep the profile out of the ID token: ask /userinfo over the back channel.
    const answer = await fetchWithDeadline(client.metadata.userinfoEndpoint, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      timeoutMs: config.httpTimeoutMs,
      maxBodyBytes: 64 * 1024,
    })
    const info = answer.kind === 'response' && answer.status === 200 ? parseJson(answer.text) : undefined
    const fromInfo = isRecord(info) && info.sub === claims.sub ? nameFromClaims(info) : undefined
    return fromInfo ?? String(claims.sub)
  }

  await app.register(async (routes) => {
    // A query that breaks the schema (a repeated or oversized parameter) gets the HTML error page too.
    routes.setErrorHandler(async (error: FastifyError, request, reply) => {
      if (error.validation === undefined) throw error
      request.log.info({ reason: error.message }, 'sign-in request rejected')
      await dropPendingLogin(request, reply)
      return sendProblem(reply, 'bad-callback')
    })

    routes.get('/login', { schema: { querystring: { type: 'object' }, response: htmlResponses } }, async (request, reply) => {
      const found = await oidc.get()
      if (!found.ok) {
        request.log.warn({ reason: found.reason }, 'sign-in unavailable: OIDC discovery failed')
        return sendProblem(reply, 'idp-unavailable')
      }
      if (config.session.cookieSecure && request.protocol !== 'https' && !warnedInsecure) {
        // Browsers drop a Secure cookie set over plain HTTP: the login could not finish. Say why, once.
        warnedInsecure = true
        request.log.warn('COOKIE_SECURE=true but /login came over plain HTTP (no X-Forwarded-Proto: https): browsers will drop the Secure session cookie')
      }
      const login = { state: random(), nonce: random(), startedAt: now() }
      request.session.login = login
      // A session created only for a login that may never finish lives as long as the login may.
      if (request.session.user === undefined) request.session.options({ maxAge: PENDING_LOGIN_MS })
      const url = await found.client.authorizationUrl(request, reply, login.nonce)
      try {
        await request.session.save()
      } catch (err) {
        request.log.warn({ reason: (err as Error).message }, 'sign-in unavailable: session store error')
        // Unchanged again, so @fastify/session does not retry the write (and fail) when the reply goes out.
        delete request.session.login
        return sendProblem(reply, 'session-store')
      }
      return reply.header('cache-control', 'no-store').redirect(url, 302)
    })

    routes.get('/callback', { schema: callbackSchema }, async (request: FastifyRequest<{ Querystring: CallbackQuery }>, reply) => {
      const query = request.query
      const pending = request.session.login
      const fail = async (problem: Problem, reason: string): Promise<FastifyReply> => {
        request.log.info({ reason }, 'sign-in failed')
        await dropPendingLogin(request, reply)
        return sendProblem(reply, problem)
      }

      if (query.error !== undefined) {
        const code = /^[a-z_]{1,64}$/.test(query.error) ? query.error : 'unrecognised'
        return fail(code === 'access_denied' ? 'denied' : 'idp-error', `the IdP answered error=${code}`)
      }
      if (query.code === undefined || query.code === '' || query.state === undefined || query.state === '') {
        return fail('bad-callback', 'code or state missing')
      }
      if (pending === undefined || now() - pending.startedAt > PENDING_LOGIN_MS) {
        return fail('expired-login', 'no sign-in pending in this session')
      }
      // RFC 9207: an IdP that names itself must be ours (mix-up defence).
      if (query.iss !== undefined && query.iss !== config.issuer) return fail('bad-callback', 'iss parameter names another issuer')

      const found = await oidc.get()
      if (!found.ok) return fail('idp-unavailable', found.reason)
      const client = found.client

      let answer: TokenResponse
      try {
        // Checks the state against the session (via checkState), then exchanges code + PKCE verifier.
        answer = await client.exchangeCode(request, reply) as TokenResponse
      } catch (err) {
        if ((err as Error).message === 'Invalid state') return fail('expired-login', 'state mismatch')
        const status = tokenEndpointStatus(err)
        if (status !== undefined && status >= 400 && status < 500) return fail('code-rejected', `token endpoint answered ${status}`)
        return fail('idp-unavailable', `code exchange failed: ${(err as Error).message}`)
      }

      const tokens = tokensFromResponse(answer, now())
      if (tokens === undefined || typeof answer.id_token !== 'string') return fail('token-invalid', 'token response without a usable access token or ID token')
      const verified = await verifyIdToken(answer.id_token, {
        issuer: config.issuer,
        clientId: config.clientId,
        nonce: pending.nonce,
        jwks: client.jwks,
        now: now(),
      })
      if (!verified.ok) return fail('token-invalid', `ID token rejected: ${verified.reason}`)
      const user = await userName(client, verified.claims, tokens.accessToken)

      try {
        // A new session id at sign-in (no fixation); the pre-login session is deleted from the store.
        await request.session.regenerate()
        request.session.options({ maxAge: sessionMaxAgeMs })
        request.session.user = user
        request.session.tokens = tokens
        await request.session.save()
      } catch (err) {
        request.log.warn({ reason: (err as Error).message }, 'sign-in failed: session store error')
        // Nothing half-stored: the (new or old) session object goes back to what the store holds.
        delete request.session.user
        delete request.session.tokens
        delete request.session.login
        return sendProblem(reply, 'session-store')
      }
      request.log.info('signed in')
      request.log.debug({ user }, 'signed in as')
      return reply.header('cache-control', 'no-store').redirect('/productpage', 302)
    })

    routes.get('/logout', { schema: { querystring: { type: 'object' }, response: htmlResponses } }, async (request, reply) => {
      if (isCrossSite(request)) {
        request.log.info('cross-site sign-out refused')
        return sendProblem(reply, 'cross-site-logout')
      }
      try {
        await request.session.destroy()
      } catch (err) {
        request.log.warn({ reason: (err as Error).message }, 'session store error at sign-out')
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.header('cache-control', 'no-store').redirect(await idpLogoutUrl(), 302)
    })
  })

  /** Ends the IdP session too and comes back to /productpage (beside the registered callback). */
  const idpLogoutUrl = async (): Promise<string> => {
    const returnTo = new URL('productpage', config.callbackUrl).href
    const found = await oidc.get()
    const endSession = found.ok ? found.client.metadata.endSessionEndpoint : undefined
    if (endSession !== undefined) {
      const url = new URL(endSession)
      url.searchParams.set('client_id', config.clientId)
      url.searchParams.set('post_logout_redirect_uri', returnTo)
      return url.href
    }
    // Auth0's own logout endpoint (what the upstream Auth0 sample used).
    const url = new URL('v2/logout', config.issuer.endsWith('/') ? config.issuer : `${config.issuer}/`)
    url.searchParams.set('client_id', config.clientId)
    url.searchParams.set('returnTo', returnTo)
    return url.href
  }
}

export const oidcLoginPlugin = fp(oidcLogin, { name: 'productpage-oidc-login', fastify: '5.x' })
