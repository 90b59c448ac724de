export interface RequestTarget {
  /** The path as sent, without the query string: what `paths`/`notPaths` match. */
  path: string
  query: URLSearchParams
}

// Escapes of unreserved characters (RFC 3986 §2.3): a router decodes them, so `/detail%73` reaches
// `/details`. Envoy would normalise them before matching; we refuse them instead.
const ESCAPED_UNRESERVED = /%(?:[46][1-9a-f]|[57][0-9a]|3[0-9]|2[de]|5f|7e)/i
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/

/**
 * Splits the request target and refuses paths whose policy meaning could differ from what the router
 * serves (dot segments, backslashes, escaped unreserved characters, non-origin forms). Returns undefined
 * for those: the caller answers 400, as Envoy does for paths it cannot normalise.
 */
export function parseTarget (url: string): RequestTarget | undefined {
  if (!url.startsWith('/')) return undefined
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  if (path.includes('\\') || path.includes('#') || DOT_SEGMENT.test(path) || ESCAPED_UNRESERVED.test(path)) return undefined
  return { path, query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)) }
}
