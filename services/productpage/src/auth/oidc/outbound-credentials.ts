import type { FastifyRequest } from 'fastify'
import { signedInTokens } from './session-refresh.ts'
import { endUserHeader } from './tokens.ts'

/**
 * Where the bearer is attached. For a signed-in user, every backend call (details, reviews, the ratings API)
 * carries `Authorization: Bearer <access token>` (the mesh's RequestAuthentication checks it) and `end-user:
 * <name>` (what istio.io's routing samples match). It replaces whatever the browser sent: outbound-headers.ts
 * puts these over the propagated headers. An expired token is never sent (session-refresh.ts refreshes it
 * first, or signs the user out); an anonymous request gets neither header.
 */
export function oidcCredentials (request: FastifyRequest, now: number): Record<string, string> {
  const tokens = signedInTokens(request, now)
  const user = request.session?.user
  if (tokens === undefined || user === undefined) return {}
  return { authorization: `Bearer ${tokens.accessToken}`, 'end-user': endUserHeader(user) }
}
