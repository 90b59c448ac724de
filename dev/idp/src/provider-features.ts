import { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider'
import type { IdpConfig } from './config.ts'
import { escapeHtml, layout, messagePage } from './pages.ts'
import type { Seed } from './seed.ts'

function htmlResponse (ctx: KoaContextWithOIDC, status: number, html: string): void {
  ctx.status = status
  ctx.type = 'text/html; charset=utf-8'
  ctx.set('Cache-Control', 'no-store')
  ctx.body = html
}

/**
 * Access tokens for the one API, as an Auth0 tenant whose Default Audience is the Bookinfo API: `audience=`
 * picks it explicitly, anything else is `invalid_target`; RS256 JWTs with the configured lifetime.
 */
export function resourceIndicators (config: IdpConfig, seed: Seed): NonNullable<Configuration['features']>['resourceIndicators'] {
  const api = seed.api.identifier
  return {
    enabled: true,
    defaultResource (ctx) {
      const audience = ctx.oidc.params?.audience
      return typeof audience === 'string' && audience !== '' ? audience : api
    },
    // Without this an `openid` login yields a token for /userinfo instead of the API.
    useGrantedResource: () => true,
    getResourceServerInfo (_ctx, resourceIndicator) {
      if (resourceIndicator !== api) throw new errors.InvalidTarget(`unknown audience ${resourceIndicator}`)
      return {
        scope: seed.api.scope,
        audience: api,
        accessTokenFormat: 'jwt',
        accessTokenTTL: config.accessTokenTtl,
        jwt: { sign: { alg: 'RS256' } },
      }
    },
  }
}

/** OIDC RP-initiated logout with our own pages: the confirmation ("Log out") and the done page. */
export const RP_INITIATED_LOGOUT: NonNullable<Configuration['features']>['rpInitiatedLogout'] = {
  enabled: true,
  logoutSource (ctx, form) {
    htmlResponse(ctx, 200, layout('Log out | Bookinfo dev IdP', `<h1>Log out</h1>
<p>Do you want to end your session at the Bookinfo dev IdP?</p>
${form}
<button form="op.logoutForm" type="submit" name="logout" value="yes">Log out</button>`))
  },
  postLogoutSuccessSource (ctx) {
    htmlResponse(ctx, 200, messagePage('Logged out', 'You are logged out of the Bookinfo dev IdP.'))
  },
}

/** oidc-provider's error page, in our layout; the error and its description are escaped. */
export const renderError: NonNullable<Configuration['renderError']> = (ctx, out) => {
  const status = ctx.status >= 400 ? ctx.status : 400
  const description = typeof out.error_description === 'string' ? out.error_description : ''
  htmlResponse(ctx, status, layout('Error | Bookinfo dev IdP',
    `<h1>Something went wrong</h1>\n<p><strong>${escapeHtml(String(out.error))}</strong></p>\n<p>${escapeHtml(description)}</p>`))
}
