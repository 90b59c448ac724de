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
  verify: (header: string | string[] | undefined) => Promise<PeerResult>
}

/** Without a secret every request has no peer identity (a header, if any, is reported invalid). */
export function createPeerVerifier (secret: string | undefined, audience: string | undefined): PeerVerifier {
  const key = secret === undefined ? undefined : secretKey(secret)
  return {
    async verify (header) {
      if (header === undefined) return { kind: 'none' }
      if (key === undefined) return { kind: 'invalid', reason: 'no peer secret configured' }
      if (typeof header !== 'string') return { kind: 'invalid', reason: 'more than one assertion' }
      try {
        const { payload } = await jwtVerify(header, key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience,
          typ: TYPE,
          requiredClaims: ['exp', 'sub', 'aud'],
          clockTolerance: 5,
        })
        return { kind: 'verified', principal: payload.sub ?? '' }
      } catch (err) {
        return { kind: 'invalid', reason: (err as { code?: string }).code ?? 'malformed' }
      }
    },
  }
}
