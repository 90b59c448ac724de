import type { FromSchema } from '@bookinfo/service-kit'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { OidcConfig } from '../../config.ts'
import type { PendingLogin, SessionTokens } from '../session.ts'
import type { LazyOidcClient, OidcClient } from './client.ts'
import { sendProblem, type Problem } from './error-pages.ts'
import { verifyIdToken } from './id-token.ts'
import { exchangeCode, tokenEndpointStatus } from './oauth2.ts'
import { dropPendingLogin, PENDING_LOGIN_MS } from './session-refresh.ts'
import { tokensFromResponse, type TokenResponse } from './tokens.ts'
import { userName } from './userinfo.ts'

export const CALLBACK_QUERY_SCHEMA = {
  type: 'object',
  properties: {
    code: { type: 'string', maxLength: 2048 },
    state: { type: 'string', maxLength: 512 },
    error: { type: 'string', maxLength: 256 },
    error_description: { type: 'string', maxLength: 2048 },
    iss: { type: 'string', maxLength: 2048 },
  },
} as const

export type CallbackQuery = FromSchema<typeof CALLBACK_QUERY_SCHEMA>

/** A step of the callback either goes on with a value or stops with a problem and why (for the log). */
type Step<T> = { ok: true, value: T } | { ok: false, problem: Problem, reason: string }

/** What the query and the session say before any back-channel call; the pending login when all is well. */
function checkQuery (query: CallbackQuery, pending: PendingLogin | undefined, config: OidcConfig, now: number): Step<PendingLogin> {
  if (query.error !== undefined) {
    const code = /^[a-z_]{1,64}$/.test(query.error) ? query.error : 'unrecognised'
    return { ok: false, problem: code === 'access_denied' ? 'denied' : 'idp-error', reason: `the IdP answered error=${code}` }
  }
  if (query.code === undefined || query.code === '' || query.state === undefined || query.state === '') {
    return { ok: false, problem: 'bad-callback', reason: 'code or state missing' }
  }
  if (pending === undefined || now - pending.startedAt > PENDING_LOGIN_MS) {
    return { ok: false, problem: 'expired-login', reason: 'no sign-in pending in this session' }
  }
  // RFC 9207: an IdP that names itself must be ours (mix-up defence).
  if (query.iss !== undefined && query.iss !== config.issuer) return { ok: false, problem: 'bad-callback', reason: 'iss parameter names another issuer' }
  return { ok: true, value: pending }
}

/** The code exchange (state checked first, by @fastify/oauth2 through our checkState) and the ID-token checks. */
async function exchangeAndVerify (
  request: FastifyRequest, reply: FastifyReply, client: OidcClient, pending: PendingLogin, config: OidcConfig, now: () => number
): Promise<Step<{ tokens: SessionTokens, user: string }>> {
  let answer: TokenResponse
  try {
    answer = await exchangeCode(request, reply) as TokenResponse
  } catch (err) {
    if ((err as Error).message === 'Invalid state') return { ok: false, problem: 'expired-login', reason: 'state mismatch' }
    const status = tokenEndpointStatus(err)
    if (status !== undefined && status >= 400 && status < 500) return { ok: false, problem: 'code-rejected', reason: `token endpoint answered ${status}` }
    return { ok: false, problem: 'idp-unavailable', reason: `code exchange failed: ${(err as Error).message}` }
  }
  const tokens = tokensFromResponse(answer, now())
  if (tokens === undefined || typeof answer.id_token !== 'string') {
    return { ok: false, problem: 'token-invalid', reason: 'token response without a usable access token or ID token' }
  }
  const verified = await verifyIdToken(answer.id_token, { issuer: config.issuer, clientId: config.clientId, nonce: pending.nonce, jwks: client.jwks, now: now() })
  if (!verified.ok) return { ok: false, problem: 'token-invalid', reason: `ID token rejected: ${verified.reason}` }
  return { ok: true, value: { tokens, user: await userName(client, verified.claims, tokens.accessToken, config.httpTimeoutMs) } }
}

/** A new session id at sign-in (no fixation); the pre-login session is deleted from the store. */
async function startSession (request: FastifyRequest, user: string, tokens: SessionTokens, maxAgeMs: number): Promise<boolean> {
  try {
    await request.session.regenerate()
    request.session.options({ maxAge: maxAgeMs })
    request.session.user = user
    request.session.tokens = tokens
    await request.session.save()
    return true
  } catch (err) {
    request.log.warn({ reason: (err as Error).message }, 'sign-in failed: session store error')
    // Nothing half-stored: the (new or old) session object goes back to what the store holds.
    delete request.session.user
    delete request.session.tokens
    delete request.session.login
    return false
  }
}

/**
 * `GET /callback`: finishes the flow the browser started at /login. Any failure is an HTML error page, logged
 * with its reason, and the pending login is forgotten; success is a new session holding the user and tokens.
 */
export function callbackHandler (config: OidcConfig, oidc: LazyOidcClient, now: () => number) {
  return async (request: FastifyRequest<{ Querystring: CallbackQuery }>, reply: FastifyReply): Promise<FastifyReply> => {
    const fail = async (problem: Problem, reason: string): Promise<FastifyReply> => {
      request.log.info({ reason }, 'sign-in failed')
      await dropPendingLogin(request, reply)
      return sendProblem(reply, problem)
    }
    const checked = checkQuery(request.query, request.session.login, config, now())
    if (!checked.ok) return fail(checked.problem, checked.reason)
    const found = await oidc.get()
    if (!found.ok) return fail('idp-unavailable', found.reason)
    const done = await exchangeAndVerify(request, reply, found.client, checked.value, config, now)
    if (!done.ok) return fail(done.problem, done.reason)
    if (!await startSession(request, done.value.user, done.value.tokens, config.session.maxAgeSeconds * 1000)) {
      return sendProblem(reply, 'session-store')
    }
    request.log.info('signed in')
    request.log.debug({ user: done.value.user }, 'signed in as')
    return reply.header('cache-control', 'no-store').redirect('/productpage', 302)
  }
}
