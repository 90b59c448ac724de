import type { FastifyRequest } from 'fastify'

function header (request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/**
 * `value` as a URL when it is an http(s) URL on `host` (case-insensitive), else undefined. The host is
 * compared, not the scheme: TLS often ends at the ingress, so the scheme differs legitimately.
 */
export function sameHostUrl (value: string, host: string | undefined): URL | undefined {
  if (host === undefined) return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    // `Origin: null` (sandboxed frames, some redirects) and garbage are not same-origin.
    return undefined
  }
  const web = url.protocol === 'http:' || url.protocol === 'https:'
  return web && url.host.toLowerCase() === host.toLowerCase() ? url : undefined
}

/**
 * True when a browser says the request comes from another site: `Sec-Fetch-Site` of `cross-site` or
 * `same-site` (a sibling subdomain is another origin), or an `Origin`/`Referer` naming another host.
 * A request without those headers (curl, istio.io's scripts, a typed URL) is not cross-site. Hosts are
 * compared as for the login redirect (contract §11 #1).
 */
export function isCrossSite (request: FastifyRequest): boolean {
  const site = header(request, 'sec-fetch-site')
  if (site === 'cross-site' || site === 'same-site') return true
  const host = header(request, 'host')
  for (const name of ['origin', 'referer']) {
    const value = header(request, name)
    if (value !== undefined && sameHostUrl(value, host) === undefined) return true
  }
  return false
}
