import { timingSafeEqual } from 'node:crypto'
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose'

export interface IdTokenCheck {
  /** The public issuer; `iss` must equal it exactly. */
  issuer: string
  /** `aud` must contain it (and `azp`, when present, must equal it). */
  clientId: string
  /** The nonce sent with this login's authorization request. */
  nonce: string
  /** Keys of the IdP (createRemoteJWKSet on the back-channel JWKS URL). */
  jwks: JWTVerifyGetKey
  /** Current time in ms (tests move it). */
  now?: number
}

export type IdTokenResult =
  | { ok: true, claims: JWTPayload & { sub: string } }
  | { ok: false, reason: string }

// Clock skew allowed between productpage and the IdP on exp/iat/nbf.
const CLOCK_TOLERANCE_S = 5

/**
 * The ID-token checks @fastify/oauth2 does not do (OIDC Core 3.1.3.7): signature through the IdP's JWKS
 * with RS256 pinned (no `none`, no HMAC with the public key, no other algorithm), `iss`, `aud` = our
 * client id, `exp`/`iat`, and the nonce of this login. Errors are values; the reason never holds the
 * token or its claims.
 */
export async function verifyIdToken (token: string, check: IdTokenCheck): Promise<IdTokenResult> {
  let payload: JWTPayload
  try {
    ({ payload } = await jwtVerify(token, check.jwks, {
      issuer: check.issuer,
      audience: check.clientId,
      algorithms: ['RS256'],
      requiredClaims: ['sub', 'exp', 'iat', 'nonce'],
      clockTolerance: CLOCK_TOLERANCE_S,
      ...(check.now === undefined ? {} : { currentDate: new Date(check.now) }),
    }))
  } catch (err) {
    return { ok: false, reason: describe(err) }
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') return { ok: false, reason: 'no subject' }
  // jose accepts any iat; a token issued in the future comes from a broken clock or a forger.
  const nowS = (check.now ?? Date.now()) / 1000
  if (typeof payload.iat === 'number' && payload.iat > nowS + CLOCK_TOLERANCE_S) return { ok: false, reason: 'iat in the future' }
  if (typeof payload.nonce !== 'string' || !sameString(payload.nonce, check.nonce)) return { ok: false, reason: 'nonce mismatch' }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
  if (payload.azp !== undefined && payload.azp !== check.clientId) return { ok: false, reason: 'azp is another client' }
  if (audiences.length > 1 && payload.azp === undefined) return { ok: false, reason: 'several audiences and no azp' }
  return { ok: true, claims: payload as JWTPayload & { sub: string } }
}

/** Constant-time string equality, for secrets a caller echoes back (nonce, state). */
export function sameString (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function describe (err: unknown): string {
  if (!(err instanceof errors.JOSEError)) return 'not a valid JWT'
  // JWTExpired and JWTClaimValidationFailed name the claim; never the token or the claim's value.
  const { claim, reason } = err as { claim?: unknown, reason?: unknown }
  return typeof claim === 'string' ? `${err.code} (${claim}: ${String(reason)})` : err.code
}
