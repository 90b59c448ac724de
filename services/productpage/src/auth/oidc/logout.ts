import type { FastifyReply, FastifyRequest } from 'fastify'
import type { OidcConfig } from '../../config.ts'
import { isCrossSite } from '../same-origin.ts'
import { SESSION_COOKIE } from '../session.ts'
import type { LazyOidcClient } from './client.ts'
import { sendProblem } from './error-pages.ts'

/**
 * Where sign-out sends the browser: the IdP's end-session endpoint when discovery names one, else Auth0's
 * `/v2/logout` (what the upstream Auth0 sample used); either way back to /productpage beside the callback.
 */
export async function idpLogoutUrl (config: OidcConfig, oidc: LazyOidcClient): Promise<string> {
  const returnTo = new URL('productpage', config.callbackUrl).href
  const found = await oidc.get()
  const endSession = found.ok ? found.client.metadata.endSessionEndpoint : undefined
  if (endSession !== undefined) {
    const url = new URL(endSession)
    url.searchParams.set('client_id', config.clientId)
    url.searchParams.set('post_logout_redirect_uri', returnTo)
    return url.href
  }
  const url = new URL('v2/logout', config.issuer.endsWith('/') ? config.issuer : `${config.issuer}/`)
  url.searchParams.set('client_id', config.clientId)
  url.searchParams.set('returnTo', returnTo)
  return url.href
}

/** `GET /logout`: refuses other sites, ends productpage's session and then the IdP's. */
export function logoutHandler (config: OidcConfig, oidc: LazyOidcClient) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
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
    return reply.header('cache-control', 'no-store').redirect(await idpLogoutUrl(config, oidc), 302)
  }
}
