import type { FastifyRequest } from 'fastify'
import { sameHostUrl } from './same-origin.ts'

/** Where login/logout go when the Referer is missing or points elsewhere. */
export const DEFAULT_REDIRECT = '/productpage'

/**
 * Upstream redirects to the Referer (or to the literal `None` without one). We only follow a Referer on
 * the same host the request was sent to (no open redirect), else go to /productpage (contract §11 #1).
 */
export function redirectTarget (request: FastifyRequest): string {
  const referer = request.headers.referer
  const url = typeof referer === 'string' ? sameHostUrl(referer, request.headers.host) : undefined
  if (url === undefined || url.username !== '' || url.password !== '') return DEFAULT_REDIRECT
  url.hash = ''
  return url.href
}
