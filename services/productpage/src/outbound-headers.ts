import { propagateHeaders } from '@bookinfo/service-kit'
import type { FastifyRequest } from 'fastify'

/**
 * Headers for every backend call: the contract §1.1 list copied from the incoming request, minus
 * - `end-user`: it comes from our session only (a client must not pick its own routing identity);
 * - `cookie`: it carries productpage's own session; the backends have no use for it (current upstream
 *   forwards it, we deliberately do not);
 * plus whatever the auth mode adds (`end-user` for a signed-in user).
 */
export function outboundHeaders (request: FastifyRequest): Record<string, string> {
  return {
    ...propagateHeaders(request.headers, ['end-user', 'cookie']),
    ...request.server.authMode.outboundHeaders(request),
  }
}
