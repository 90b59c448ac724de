import Provider, { errors, type Configuration, type KoaContextWithOIDC, type ResponseType } from 'oidc-provider'
import { allClaims, findUserBySub, SCOPE_CLAIMS } from './accounts.ts'
import type { IdpConfig } from './config.ts'
import type { PrivateJwk } from './keys.ts'
import { escapeHtml, layout, messagePage, PAGE_CSP } from './pages.ts'
import { permissionsOf, type Seed } from './seed.ts'

/** Auth0's endpoint paths, so a client configured for an Auth0 tenant works unchanged. */
export const AUTH0_ROUTES = {
  authorization: '/authorize',
  token: '/oauth/token',
  userinfo: '/userinfo',
  jwks: '/.well-known/jwks.json',
  end_session: '/oidc/logout',
  revocation: '/oauth/revoke',
  pushed_authorization_request: '/oauth/par',
} as const

export const INTERACTION_PREFIX = '/interaction/'

/** Auth0 lists its /userinfo in an access token's `aud`; the tokens we mint and our /userinfo agree on it here. */
export function userinfoAudience (issuer: string): string {
  return `${issuer}userinfo`
}

export interface ProviderInput {
  config: IdpConfig
  seed: Seed
  keys: PrivateJwk[]
  cookieKeys: string[]
}

function htmlResponse (ctx: KoaContextWithOIDC, status: number, html: string): void {
  ctx.status = status
  ctx.type = 'text/html; charset=utf-8'
  ctx.set('Content-Security-Policy', PAGE_CSP)
  ctx.set('Cache-Control', 'no-store')
  ctx.body = html
}

/** oidc-provider configured to look like an Auth0 tenant with one API and one regular web application. */
export function createProvider ({ config, seed, keys, cookieKeys }: ProviderInput): Provider {
  const api = seed.api.identifier
  const userinfoAud = userinfoAudience(config.issuer)

  const configuration: Configuration = {
    clients: [{
      client_id: seed.client.clientId,
      client_name: seed.client.clientName,
      client_secret: config.clientSecret,
      redirect_uris: config.redirectUris,
      post_logout_redirect_uris: config.postLogoutUris,
      grant_types: seed.client.grantTypes,
      response_types: seed.client.responseTypes as ResponseType[],
      // oidc-provider accepts client_secret_post as well whenever basic is registered (and vice versa).
      token_endpoint_auth_method: seed.client.tokenEndpointAuthMethod,
      id_token_signed_response_alg: 'RS256',
    }],
    jwks: { keys },
    cookies: { keys: cookieKeys },
    claims: { openid: [...SCOPE_CLAIMS.openid], profile: [...SCOPE_CLAIMS.profile], email: [...SCOPE_CLAIMS.email] },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    responseTypes: ['code'],
    // Auth0 puts the scope's profile/email claims into the ID token as well, not only into /userinfo.
    conformIdTokenClaims: false,
    // Auth0 clients name the API with `audience=`; `defaultResource` below turns it into the resource.
    extraParams: ['audience'],
    routes: AUTH0_ROUTES,
    pkce: { required: () => true },
    enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PREFIX}${interaction.uid}` },
    clientBasedCORS: () => false,
    ttl: {
      AccessToken: config.accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 36_000, // Auth0's default ID token lifetime (10 h)
      Interaction: 3600,
      Session: 3 * 24 * 3600, // Auth0's default inactivity timeout
      Grant: 30 * 24 * 3600,
      RefreshToken: 30 * 24 * 3600,
    },
    async findAccount (_ctx, sub) {
      const user = findUserBySub(seed, sub)
      if (user === undefined) return undefined
      return { accountId: user.sub, claims: () => allClaims(user) }
    },
    // Auth0 RBAC: "Add Permissions in the Access Token" puts the union of the user's roles' permissions here.
    async extraTokenClaims (_ctx, token) {
      const accountId = 'accountId' in token ? token.accountId : undefined
      const user = accountId === undefined ? undefined : findUserBySub(seed, accountId)
      if (user === undefined) return undefined
      return { azp: token.clientId, permissions: permissionsOf(seed, user) }
    },
    formats: {
      customizers: {
        // Auth0 adds its /userinfo to `aud` whenever the token also carries `openid`.
        jwt (_ctx, token, parts) {
          if (token.scopes.has('openid')) parts.payload.aud = [api, userinfoAud]
        },
      },
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Like a tenant whose Default Audience is the Bookinfo API; `audience=` picks it explicitly.
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
      },
      rpInitiatedLogout: {
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
      },
    },
    renderError (ctx, out) {
      const status = ctx.status >= 400 ? ctx.status : 400
      const description = typeof out.error_description === 'string' ? out.error_description : ''
      htmlResponse(ctx, status, layout('Error | Bookinfo dev IdP',
        `<h1>Something went wrong</h1>\n<p><strong>${escapeHtml(String(out.error))}</strong></p>\n<p>${escapeHtml(description)}</p>`))
    },
  }

  const provider = new Provider(config.issuer, configuration)
  // Behind an ingress that terminates TLS, X-Forwarded-Proto decides whether cookies are Secure.
  provider.proxy = true
  return provider
}
