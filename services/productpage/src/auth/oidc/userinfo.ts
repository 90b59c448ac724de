import { fetchWithDeadline, isRecord, parseJson } from '@bookinfo/service-kit'
import type { OidcClient } from './client.ts'
import { nameFromClaims } from './tokens.ts'

/**
 * The name the page shows and `end-user` carries: from the ID token when it has one, else from the IdP's
 * /userinfo over the back channel (some IdPs keep the profile out of the ID token), else the subject.
 */
export async function userName (client: OidcClient, claims: Record<string, unknown>, accessToken: string, timeoutMs: number): Promise<string> {
  const fromToken = nameFromClaims(claims)
  if (fromToken !== undefined || client.metadata.userinfoEndpoint === undefined) return fromToken ?? String(claims.sub)
  const answer = await fetchWithDeadline(client.metadata.userinfoEndpoint, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    timeoutMs,
    maxBodyBytes: 64 * 1024,
  })
  const info = answer.kind === 'response' && answer.status === 200 ? parseJson(answer.text) : undefined
  const fromInfo = isRecord(info) && info.sub === claims.sub ? nameFromClaims(info) : undefined
  return fromInfo ?? String(claims.sub)
}
