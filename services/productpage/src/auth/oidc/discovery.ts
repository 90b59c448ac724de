import { fetchWithDeadline, parseJson, type OutboundResult } from '@bookinfo/service-kit'
import { ExponentialBackoff, handleWhenResult, retry } from 'cockatiel'
import type { Dispatcher } from 'undici'
import type { OidcConfig } from '../../config.ts'

/**
 * What productpage needs from the IdP's discovery document, with each URL on the channel that uses it:
 * the browser is sent to the front-channel ones, productpage calls the back-channel ones.
 */
export interface OidcMetadata {
  issuer: string
  /** Front channel (browser). */
  authorizationEndpoint: string
  /** Front channel (browser); absent when the IdP advertises none (then Auth0's /v2/logout is used). */
  endSessionEndpoint?: string
  /** Back channel (productpage). */
  tokenEndpoint: string
  /** Back channel (productpage). */
  userinfoEndpoint?: string
  /** Back channel (productpage). */
  jwksUri: string
  /** How the client authenticates at the token endpoint (`header` = client_secret_basic). */
  tokenAuthMethod: 'header' | 'body'
}

export type DiscoveryResult = { ok: true, metadata: OidcMetadata } | { ok: false, reason: string }

export interface DiscoveryOptions {
  /** Attempts in total (the first included), retried on no answer or a 5xx only. */
  attempts?: number
  /** First pause between attempts; doubles each time. */
  initialBackoffMs?: number
  dispatcher?: Dispatcher
}

/** Discovery is read over the back channel: the issuer's path under the back-channel origin. */
export function discoveryUrl (config: Pick<OidcConfig, 'issuer' | 'backChannelOrigin'>): string {
  const issuer = new URL(config.issuer)
  const path = issuer.pathname.endsWith('/') ? issuer.pathname : `${issuer.pathname}/`
  return `${config.backChannelOrigin}${path}.well-known/openid-configuration`
}

/**
 * The discovery document names every endpoint on the public issuer (Auth0 and the dev IdP do, whatever
 * address asked). Endpoints productpage calls itself get the back-channel origin instead; an endpoint on
 * another host than the issuer (a CDN for the JWKS, say) is left alone.
 */
export function toBackChannel (endpoint: string, config: Pick<OidcConfig, 'issuer' | 'backChannelOrigin'>): string {
  const url = new URL(endpoint)
  if (url.origin !== new URL(config.issuer).origin) return url.href
  return `${config.backChannelOrigin}${url.pathname}${url.search}`
}

function httpUrl (value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined
  } catch {
    return undefined
  }
}

/** Checks a discovery document and splits its URLs into front and back channel. */
export function parseDiscovery (doc: unknown, config: Pick<OidcConfig, 'issuer' | 'backChannelOrigin'>): DiscoveryResult {
  if (typeof doc !== 'object' || doc === null) return { ok: false, reason: 'the discovery document is not a JSON object' }
  const d = doc as Record<string, unknown>
  // The issuer pitfall: the `iss` check needs exactly the public issuer the IdP signs with.
  if (d.issuer !== config.issuer) {
    return { ok: false, reason: `the discovery document names issuer ${JSON.stringify(String(d.issuer)).slice(0, 200)}, not OIDC_ISSUER ${JSON.stringify(config.issuer)}` }
  }
  const authorizationEndpoint = httpUrl(d.authorization_endpoint)
  const tokenEndpoint = httpUrl(d.token_endpoint)
  const jwksUri = httpUrl(d.jwks_uri)
  if (authorizationEndpoint === undefined || tokenEndpoint === undefined || jwksUri === undefined) {
    return { ok: false, reason: 'the discovery document lacks authorization_endpoint, token_endpoint or jwks_uri' }
  }
  const algs = d.id_token_signing_alg_values_supported
  if (Array.isArray(algs) && !algs.includes('RS256')) {
    return { ok: false, reason: 'the IdP does not sign ID tokens with RS256' }
  }
  const userinfo = httpUrl(d.userinfo_endpoint)
  const endSession = httpUrl(d.end_session_endpoint)
  const methods = d.token_endpoint_auth_methods_supported
  // client_secret_basic is the OAuth default; use the body only when the IdP says it lacks basic.
  const tokenAuthMethod = Array.isArray(methods) && !methods.includes('client_secret_basic') && methods.includes('client_secret_post')
    ? 'body'
    : 'header'
  return {
    ok: true,
    metadata: {
      issuer: config.issuer,
      authorizationEndpoint,
      ...(endSession === undefined ? {} : { endSessionEndpoint: endSession }),
      tokenEndpoint: toBackChannel(tokenEndpoint, config),
      ...(userinfo === undefined ? {} : { userinfoEndpoint: toBackChannel(userinfo, config) }),
      jwksUri: toBackChannel(jwksUri, config),
      tokenAuthMethod,
    },
  }
}

function transient (result: OutboundResult): boolean {
  return result.kind === 'failure' || result.status >= 500
}

/**
 * Reads discovery over the back channel with a bounded retry (cockatiel): a few attempts, each with the
 * back-channel deadline, exponential pauses between them. A 4xx or a wrong document is not retried:
 * it is a configuration problem that waiting does not fix.
 */
export async function discover (config: OidcConfig, opts: DiscoveryOptions = {}): Promise<DiscoveryResult> {
  const url = discoveryUrl(config)
  const attempts = opts.attempts ?? 3
  const policy = retry(handleWhenResult((r) => transient(r as OutboundResult)), {
    maxAttempts: attempts - 1,
    backoff: new ExponentialBackoff({ initialDelay: opts.initialBackoffMs ?? 200, maxDelay: 2000 }),
  })
  const result = await policy.execute(() => fetchWithDeadline(url, {
    headers: { accept: 'application/json' },
    timeoutMs: config.httpTimeoutMs,
    maxBodyBytes: 256 * 1024,
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
  }))
  if (result.kind === 'failure') return { ok: false, reason: `discovery at ${url} failed (${result.reason}): ${result.message}` }
  if (result.status !== 200) return { ok: false, reason: `discovery at ${url} answered ${result.status}` }
  return parseDiscovery(parseJson(result.text), config)
}
