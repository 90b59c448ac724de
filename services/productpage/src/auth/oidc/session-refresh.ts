import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { SESSION_COOKIE, type SessionTokens } from '../session.ts'
import type { LazyOidcClient } from './client.ts'
import { refreshTokens, tokenEndpointStatus } from './oauth2.ts'
import { isUsable, tokensFromResponse, type TokenResponse } from './tokens.ts'

/** How long a started login may take (the IdP's login page included). */
export const PENDING_LOGIN_MS = 10 * 60_000

/** The tokens of a signed-in session whose access token may still be forwarded; else undefined. */
export function signedInTokens (request: FastifyRequest, now: number): SessionTokens | undefined {
  const session = request.session
  if (typeof session?.user !== 'string') return undefined
  return isUsable(session.tokens, now) ? session.tokens : undefined
}

type RefreshOutcome = { kind: 'ok', tokens: SessionTokens } | { kind: 'rejected' } | { kind: 'unavailable' }

/**
 * Keeps sessions' access tokens fresh: before every handler, an expired access token is refreshed when the
 * session holds a refresh token, else the user is signed out. One refresh per session at a time, however many
 * requests arrive with the expired token. When the IdP cannot be reached the session is kept, but the request
 * is anonymous until a refresh works (an expired token is never forwarded).
 */
export function installTokenRefresh (app: FastifyInstance, oidc: LazyOidcClient, now: () => number): void {
  const refreshing = new Map<string, Promise<RefreshOutcome>>()

  const refresh = async (request: FastifyRequest, refreshToken: string): Promise<RefreshOutcome> => {
    if (!(await oidc.get()).ok) return { kind: 'unavailable' }
    try {
      const tokens = tokensFromResponse(await refreshTokens(app, refreshToken) as TokenResponse, now(), refreshToken)
      return tokens === undefined ? { kind: 'rejected' } : { kind: 'ok', tokens }
    } catch (err) {
      const status = tokenEndpointStatus(err)
      request.log.warn({ status, reason: (err as Error).message }, 'access token refresh failed')
      return status !== undefined && status >= 400 && status < 500 ? { kind: 'rejected' } : { kind: 'unavailable' }
    }
  }

  const once = (request: FastifyRequest, key: string, refreshToken: string): Promise<RefreshOutcome> => {
    let pending = refreshing.get(key)
    if (pending === undefined) {
      pending = refresh(request, refreshToken).finally(() => refreshing.delete(key))
      refreshing.set(key, pending)
    }
    return pending
  }

  app.addHook('preHandler', async (request) => {
    const session = request.session
    if (session?.tokens === undefined || isUsable(session.tokens, now())) return
    const { refreshToken } = session.tokens
    const outcome: RefreshOutcome = refreshToken === undefined ? { kind: 'rejected' } : await once(request, session.sessionId, refreshToken)
    if (outcome.kind === 'ok') {
      session.tokens = outcome.tokens
    } else if (outcome.kind === 'rejected') {
      request.log.info('access token expired: signed out')
      delete session.user
      delete session.tokens
    }
  })
}

/** Forgets a failed login's state; a session left with nothing in it is deleted with its cookie. */
export async function dropPendingLogin (request: FastifyRequest, reply: FastifyReply): Promise<void> {
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
