import type { FastifyRequest } from 'fastify'

function header (request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function sameHost (value: string, host: string | undefined): boolean {
  if (host === undefined) return false
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host.toLowerCase() === host.toLowerCase()
  } catch {
    // `Origin: null` (sandboxed frames, some redirects) and garbage are not same-origin.
    return false
  }
}

/**
 * True when a browser says the request comes from another site: `Sec-Fetch-Site` of `cross-site` or
 * `same-site` (a sibling subdomain is another origin), or an `Origin`/`Referer` naming another host.
 * A request without those headers (curl, istio.io's scripts, a typed URL) is not cross-site. The host is
 * compared, not the scheme: TLS often ends at the ingress (as for the login redirect, contract §11 #1).
 */
export function isCrossSite (request: FastifyRequest): boolean {
  const site = header(request, 'sec-fetch-site')
  if (site === 'cross-site' || site === 'same-site') return true
  const host = header(request, 'host')
  for (const name of ['origin', 'referer']) {
    const value = header(request, name)
    if (value !== undefined && !sameHost(value, host)) return true
  }
  return false
}
