import { fetchWithDeadline, isRecord, parseJson } from '@bookinfo/service-kit'
import { peerHeaders } from '@bookinfo/mesh-policy'
import type { Dispatcher } from 'undici'
import type { RatingsClientConfig } from './config.ts'

export type RatingsAnswer =
  | { ok: true, ratings: Record<string, unknown> }
  | { ok: false, reason: string }

/**
 * `GET <ratings>/ratings/<id>`: one attempt (upstream never retried), hard deadline, Accept JSON plus the
 * propagated headers. Success needs a 200 whose JSON body has a `ratings` object.
 */
export async function fetchRatings (
  id: number,
  { origin, timeoutMs, connections, peer }: RatingsClientConfig,
  propagated: Record<string, string>,
  dispatcher?: Dispatcher
): Promise<RatingsAnswer> {
  const identity = peer ? await peerHeaders({ ...peer, audience: 'ratings' }) : {}
  const result = await fetchWithDeadline(`${origin}/ratings/${id}`, {
    headers: { ...propagated, ...identity, accept: 'application/json' },
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
