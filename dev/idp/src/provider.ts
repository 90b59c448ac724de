import Provider, { type ClientMetadata, type Configuration, type ResponseType } from 'oidc-provider'
import { allClaims, findUserBySub, SCOPE_CLAIMS } from './accounts.ts'
import type { IdpConfig } from './config.ts'
import type { PrivateJwk } from './keys.ts'
import { renderError, resourceIndicators, RP_INITIATED_LOGOUT } from './provider-features.ts'
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

/** The productpage client of the seed, with the secret and URLs of the configuration. */
function clientOf (config: IdpConfig, seed: Seed): ClientMetadata {
  return {
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
  }
}

/** The seed's users as accounts, and Auth0 RBAC's `permissions` claim (the union of the user's roles). */
function accounts (seed: Seed): Pick<Configuration, 'findAccount' | 'extraTokenClaims'> {
  return {
    async findAccount (_ctx, sub) {
      const user = findUserBySub(seed, sub)
      if (user === undefined) return undefined
      return { accountId: user.sub, claims: () => allClaims(user) }
    },
    async extraTokenClaims (_ctx, token) {
      const accountId = 'accountId' in token ? token.accountId : undefined
      const user = accountId === undefined ? undefined : findUserBySub(seed, accountId)
      if (user === undefined) return undefined
      return { azp: token.clientId, permissions: permissionsOf(seed, user) }
    },
  }
}

const TTL: Configuration['ttl'] = {
  AuthorizationCode: 60,
  IdToken: 36_000, // Auth0's default ID token lifetime (10 h)
  Interaction: 3600,
  Session: 3 * 24 * 3600, // Auth0's default inactivity timeout
  Grant: 30 * 24 * 3600,
  RefreshToken: 30 * 24 * 3600,
}

/** oidc-provider configured to look like an Auth0 tenant with one API and one regular web application. */
export function createProvider ({ config, seed, keys, cookieKeys }: ProviderInput): Provider {
  const api = seed.api.identifier
  const userinfoAud = userinfoAudience(config.issuer)
  const configuration: Configuration = {
    clients: [clientOf(config, seed)],
    jwks: { keys },
    cookies: { keys: cookieKeys },
    claims: { openid: [...SCOPE_CLAIMS.openid], profile: [...SCOPE_CLAIMS.profile], email: [...SCOPE_CLAIMS.email] },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    responseTypes: ['code'],
    // Auth0 puts the scope's profile/email claims into the ID token as well, not only into /userinfo.
    conformIdTokenClaims: false,
    // Auth0 clients name the API with `audience=`; resourceIndicators turns it into the resource.
    extraParams: ['audience'],
    routes: AUTH0_ROUTES,
    pkce: { required: () => true },
    enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PREFIX}${interaction.uid}` },
    clientBasedCORS: () => false,
    ttl: { ...TTL, AccessToken: config.accessTokenTtl },
    ...accounts(seed),
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
      resourceIndicators: resourceIndicators(config, seed),
      rpInitiatedLogout: RP_INITIATED_LOGOUT,
    },
    renderError,
  }

  const provider = new Provider(config.issuer, configuration)
  // Behind an ingress that terminates TLS, X-Forwarded-Proto decides whether cookies are Secure.
  provider.proxy = true
  return provider
}
