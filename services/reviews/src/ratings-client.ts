import { fetchWithDeadline, isRecord, parseJson } from '@bookinfo/service-kit'
import { peerHeaders } from '@bookinfo/mesh-policy'
import type { Dispatcher } from 'undici'
import type { RatingsClientConfig } from './config.ts'

export type RatingsAnswer =
  | { ok: true, ratings: Record<string, unknown> }
  | { ok: false, reason: string }

/** `GET <ratings>/ratings/<id>` with the propagated headers of one incoming request. */
export type RatingsClient = (id: number, propagated: Record<string, string>) => Promise<RatingsAnswer>

/**
 * A peer assertion is valid for 60 s (mesh-policy's default); signing one for every call was a tenth of
 * reviews' CPU under load, so each is reused for half its lifetime.
 */
export const PEER_ASSERTION_REUSE_MS = 30_000

/** Our source-principal header for ratings, signed again once it is PEER_ASSERTION_REUSE_MS old. */
function peerIdentity (peer: NonNullable<RatingsClientConfig['peer']>): () => Promise<Record<string, string>> {
  let current: Promise<Record<string, string>> | undefined
  let renewAt = 0
  return async () => {
    if (current === undefined || Date.now() >= renewAt) {
      renewAt = Date.now() + PEER_ASSERTION_REUSE_MS
      const signing = peerHeaders({ ...peer, audience: 'ratings' })
      current = signing
      // A failed signature is not kept: the next call tries again.
      signing.catch(() => { if (current === signing) current = undefined })
    }
    return current
  }
}

/**
 * The ratings call: one attempt (upstream never retried), hard deadline, Accept JSON plus the propagated
 * headers (and our source principal outside a mesh). Success needs a 200 whose JSON body has a `ratings`
 * object.
 */
export function createRatingsClient (
  { origin, timeoutMs, connections, peer }: RatingsClientConfig,
  dispatcher?: Dispatcher
): RatingsClient {
  const identity = peer ? peerIdentity(peer) : async () => ({})
  return async (id, propagated) => {
    const result = await fetchWithDeadline(`${origin}/ratings/${id}`, {
      headers: { ...propagated, ...await identity(), accept: 'application/json' },
      timeoutMs,
      connections,
      ...(dispatcher ? { dispatcher } : {}),
    })
    if (result.kind === 'failure') return { ok: false, reason: result.reason }
    if (result.status !== 200) return { ok: false, reason: `status ${result.status}` }
    const body = parseJson(result.text)
    const ratings = isRecord(body) ? body.ratings : undefined
    if (!isRecord(ratings)) return { ok: false, reason: 'no ratings object in the answer' }
    return { ok: true, ratings }
  }
}
