import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose'
import type { OidcConfig } from '../../config.ts'
import { discover, type DiscoveryOptions, type DiscoveryResult, type OidcMetadata } from './discovery.ts'
import { sameEndpoints, type OAuth2Endpoints } from './oauth2.ts'

/** What the login routes need from the IdP once discovery has succeeded. */
export interface OidcClient {
  metadata: OidcMetadata
  /** Keys for the ID token, fetched (and cached) from the back-channel JWKS URL. */
  jwks: JWTVerifyGetKey
}

export type ClientResult = { ok: true, client: OidcClient } | { ok: false, reason: string }

export interface LazyOidcClient {
  /** The client, discovering first if needed. */
  get: () => Promise<ClientResult>
}

function clientFor (config: OidcConfig, metadata: OidcMetadata): OidcClient {
  const jwks = createRemoteJWKSet(new URL(metadata.jwksUri), {
    timeoutDuration: config.httpTimeoutMs,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
  })
  return { metadata, jwks }
}

/**
 * Discovery on demand: done once at start-up (see plugin.ts) and again by the next `/login` after a failure;
 * concurrent callers share one attempt; a success is kept for the life of the process. A document that names
 * other endpoints than the ones @fastify/oauth2 was registered with is a failure that says so: the library
 * takes its endpoints at registration only, so such an IdP needs a restart of productpage once it answers.
 */
export function lazyOidcClient (
  config: OidcConfig,
  registered: OAuth2Endpoints,
  opts: DiscoveryOptions = {},
  first?: DiscoveryResult
): LazyOidcClient {
  let ready: OidcClient | undefined = first?.ok === true ? clientFor(config, first.metadata) : undefined
  let inflight: Promise<ClientResult> | undefined
  const attempt = async (): Promise<ClientResult> => {
    try {
      const found = await discover(config, opts)
      if (!found.ok) return found
      if (!sameEndpoints(found.metadata, registered)) {
        return { ok: false, reason: `the IdP's authorize/token endpoints differ from ${registered.authorizationEndpoint} and ${registered.tokenEndpoint}, which sign-in was set up with while the IdP was down: restart productpage` }
      }
      ready = clientFor(config, found.metadata)
      return { ok: true, client: ready }
    } finally {
      inflight = undefined
    }
  }
  return {
    get: async () => {
      if (ready !== undefined) return { ok: true, client: ready }
      inflight ??= attempt()
      return inflight
    },
  }
}
