import { decodeJwt, type JWTPayload } from 'jose'
import type { SessionTokens } from '../session.ts'

/** A token endpoint answer (code exchange or refresh), as simple-oauth2 hands it over. */
export interface TokenResponse {
  access_token?: unknown
  id_token?: unknown
  refresh_token?: unknown
  token_type?: unknown
  expires_in?: unknown
}

// Lifetime assumed when the IdP states none (neither expires_in nor a JWT exp).
const DEFAULT_LIFETIME_MS = 5 * 60_000

/**
 * The tokens to keep from a token response, or undefined when it is not a usable bearer answer. The
 * stored expiry is a little early (a tenth of the lifetime, at most 30 s), so that a token is never
 * forwarded in its last moments and rejected by the mesh on the way.
 */
export function tokensFromResponse (token: TokenResponse, now: number, previousRefreshToken?: string): SessionTokens | undefined {
  const accessToken = token.access_token
  if (typeof accessToken !== 'string' || accessToken === '' || !/^[\x21-\x7e]+$/.test(accessToken)) return undefined
  if (typeof token.token_type === 'string' && token.token_type.toLowerCase() !== 'bearer') return undefined
  let lifetimeMs = DEFAULT_LIFETIME_MS
  if (typeof token.expires_in === 'number' && Number.isFinite(token.expires_in) && token.expires_in > 0) {
    lifetimeMs = token.expires_in * 1000
  } else {
    const exp = jwtExp(accessToken)
    if (exp !== undefined) lifetimeMs = exp * 1000 - now
  }
  if (lifetimeMs <= 0) return undefined
  const refreshToken = typeof token.refresh_token === 'string' && token.refresh_token !== '' ? token.refresh_token : previousRefreshToken
  return {
    accessToken,
    accessExpiresAt: now + lifetimeMs - Math.min(30_000, lifetimeMs / 10),
    ...(refreshToken === undefined ? {} : { refreshToken }),
  }
}

function jwtExp (token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token)
    return typeof exp === 'number' ? exp : undefined
  } catch {
    return undefined
  }
}

/** A token that may still be forwarded. */
export function isUsable (tokens: SessionTokens | undefined, now: number): tokens is SessionTokens {
  return tokens !== undefined && now < tokens.accessExpiresAt
}

/** The name the page shows and `end-user` carries: the nickname (Auth0's), else the email. */
export function nameFromClaims (claims: JWTPayload): string | undefined {
  for (const key of ['nickname', 'email']) {
    const value = claims[key]
    if (typeof value === 'string') {
      // Control characters have no place in a name shown on a page or sent in a header.
      const clean = value.replace(/\p{Cc}/gu, '').trim().slice(0, 256)
      if (clean !== '') return clean
    }
  }
  return undefined
}

/**
 * `end-user` as a header value: the name itself when it is printable ASCII (what Istio's `end-user: jason`
 * match needs), else percent-encoded (an HTTP header cannot carry other characters reliably).
 */
export function endUserHeader (name: string): string {
  return /^[\x20-\x7e]*$/.test(name) ? name : encodeURIComponent(name)
}
