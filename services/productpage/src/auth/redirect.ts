import type { FastifyRequest } from 'fastify'

/** Where login/logout go when the Referer is missing or points elsewhere. */
export const DEFAULT_REDIRECT = '/productpage'

/**
 * Upstream redirects to the Referer (or to the literal `None` without one). We only follow a Referer on
 * the same host the request was sent to (no open redirect), else go to /productpage (contract §11 #1).
 * The host is compared, not the scheme: TLS often ends at the ingress, so the scheme differs legitimately.
 */
export function redirectTarget (request: FastifyRequest): string {
  const referer = request.headers.referer
  const host = request.headers.host
  if (typeof referer !== 'string' || typeof host !== 'string') return DEFAULT_REDIRECT
  let url: URL
  try {
    url = new URL(referer)
  } catch {
    return DEFAULT_REDIRECT
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.host.toLowerCase() !== host.toLowerCase()) {
    return DEFAULT_REDIRECT
  }
  if (url.username !== '' || url.password !== '') return DEFAULT_REDIRECT
  url.hash = ''
  return url.href
}
