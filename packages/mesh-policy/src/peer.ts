import { jwtVerify, SignJWT } from 'jose'

/**
 * Source principals outside a mesh (README "Source principals"): there is no mTLS, so the calling
 * service proves which service account it runs as with a short-lived HS256 assertion, signed with a
 * secret that only our own services hold (MESH_PEER_SECRET), bound to the target workload (`aud` = its
 * `app` label). It stands in for the SPIFFE identity of an Istio client certificate.
 */
export const PEER_HEADER = 'x-bookinfo-peer'

const ISSUER = 'bookinfo-mesh-policy'
const TYPE = 'bookinfo-peer+jwt'
const MIN_SECRET_LENGTH = 32
const DEFAULT_TTL_SECONDS = 60

export class PeerSecretError extends Error {
  override name = 'PeerSecretError'
}

function secretKey (secret: string): Uint8Array {
  if (secret.length < MIN_SECRET_LENGTH) throw new PeerSecretError(`the peer secret must be at least ${MIN_SECRET_LENGTH} characters`)
  return new TextEncoder().encode(secret)
}

/** `<trust domain>/ns/<namespace>/sa/<serviceAccount>`, the form Istio gives a workload's identity. */
export function serviceAccountPrincipal (namespace: string, serviceAccount: string, trustDomain = 'cluster.local'): string {
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`
}

export interface PeerAssertionOptions {
  secret: string
  /** The caller's identity, e.g. serviceAccountPrincipal('bookinfo', 'bookinfo-reviews'). */
  principal: string
  /** The target workload's `app` label, e.g. `ratings`. */
  audience: string
  ttlSeconds?: number
}

export async function createPeerAssertion (opts: PeerAssertionOptions): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: TYPE })
    .setIssuer(ISSUER)
    .setSubject(opts.principal)
    .setAudience(opts.audience)
    .setIssuedAt()
    .setExpirationTime(`${opts.ttlSeconds ?? DEFAULT_TTL_SECONDS}s`)
    .sign(secretKey(opts.secret))
}

/** The header an outbound call adds so the target's plugin can see the caller's principal. */
export async function peerHeaders (opts: PeerAssertionOptions): Promise<Record<string, string>> {
  return { [PEER_HEADER]: await createPeerAssertion(opts) }
}

export type PeerResult =
  | { kind: 'none' }
  | { kind: 'verified', principal: string }
  | { kind: 'invalid', reason: string }

export interface PeerVerifier {
  /** Synchronous for an assertion verified before and still within its time (the per-request fast path). */
  verify: (header: string | string[] | undefined) => PeerResult | Promise<PeerResult>
}

const NONE: PeerResult = { kind: 'none' }
/** Seconds of clock skew allowed on `exp` and `nbf`. */
const CLOCK_TOLERANCE_S = 5
/** Assertions remembered: a caller reuses one for half its life, so a few per calling workload. */
const CACHE_LIMIT = 256

interface Remembered { result: PeerResult, exp: number, nbf: number | undefined }

/** jose's own time checks (`nbf > now + tolerance`, `exp <= now - tolerance`), on the claims it validated. */
function inTime (entry: Remembered): boolean {
  const now = Math.floor(Date.now() / 1000)
  if (entry.nbf !== undefined && entry.nbf > now + CLOCK_TOLERANCE_S) return false
  return entry.exp > now - CLOCK_TOLERANCE_S
}

/**
 * Without a secret every request has no peer identity (a header, if any, is reported invalid). An
 * assertion that verified once is remembered by its exact string (same bytes: same signature, issuer,
 * audience and subject), so a repeat costs a time check instead of an HMAC through WebCrypto; a repeat
 * past its time goes through the full verification again, which rejects it with jose's reason.
 */
export function createPeerVerifier (secret: string | undefined, audience: string | undefined): PeerVerifier {
  const key = secret === undefined ? undefined : secretKey(secret)
  const verified = new Map<string, Remembered>()

  async function verifyFully (header: string, hmacKey: Uint8Array): Promise<PeerResult> {
    try {
      const { payload } = await jwtVerify(header, hmacKey, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience,
        typ: TYPE,
        requiredClaims: ['exp', 'sub', 'aud'],
        clockTolerance: CLOCK_TOLERANCE_S,
      })
      const result: PeerResult = { kind: 'verified', principal: payload.sub ?? '' }
      if (verified.size >= CACHE_LIMIT) verified.delete(verified.keys().next().value ?? '')
      verified.set(header, { result, exp: payload.exp ?? 0, nbf: payload.nbf })
      return result
    } catch (err) {
      return { kind: 'invalid', reason: (err as { code?: string }).code ?? 'malformed' }
    }
  }

  return {
    verify (header) {
      if (header === undefined) return NONE
      if (key === undefined) return { kind: 'invalid', reason: 'no peer secret configured' }
      if (typeof header !== 'string') return { kind: 'invalid', reason: 'more than one assertion' }
      const known = verified.get(header)
      if (known !== undefined && inTime(known)) return known.result
      verified.delete(header)
      return verifyFully(header, key)
    },
  }
}
