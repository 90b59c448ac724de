import { randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { OidcConfig } from '../../config.ts'
import type { LazyOidcClient } from './client.ts'
import { sendProblem } from './error-pages.ts'
import { authorizationUrl } from './oauth2.ts'
import { PENDING_LOGIN_MS } from './session-refresh.ts'

function random (): string {
  return randomBytes(32).toString('base64url')
}

/**
 * `GET /login`: starts an authorization-code flow. A fresh state and nonce go into the server-side session
 * (stored before the redirect, so the callback can check them), @fastify/oauth2 adds PKCE S256, and the
 * browser goes to the IdP's authorize endpoint with the audience and scope.
 */
export function loginHandler (config: OidcConfig, oidc: LazyOidcClient, now: () => number) {
  let warnedInsecure = false
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
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
    const url = await authorizationUrl(request, reply, login.nonce)
    try {
      await request.session.save()
    } catch (err) {
      request.log.warn({ reason: (err as Error).message }, 'sign-in unavailable: session store error')
      // Unchanged again, so @fastify/session does not retry the write (and fail) when the reply goes out.
      delete request.session.login
      return sendProblem(reply, 'session-store')
    }
    return reply.header('cache-control', 'no-store').redirect(url, 302)
  }
}
