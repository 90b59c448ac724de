// Where a jwtRule looks for tokens (Envoy's jwt_authn extractor): its `fromHeaders` (value after the
// prefix), `fromParams` and `fromCookies`; with none of them, `Authorization: Bearer <token>` and the
// `access_token` query parameter. A token anywhere else is not seen at all.
import type { JwtRule } from '../types.ts'

export interface TokenLocation {
  kind: 'header' | 'param' | 'cookie'
  /** Header (lower case), parameter or cookie name. */
  name: string
  prefix: string
}

export interface FoundToken {
  token: string
  location: TokenLocation
}

/** What extraction reads from a request. */
export interface TokenCarrier {
  header: (name: string) => string | undefined
  query: string
}

/** The last header value seen at each location and the token in it: a client resends the same header. */
const lastHeader = new WeakMap<TokenLocation, { value: string, token: string | undefined }>()

const DEFAULT_LOCATIONS: TokenLocation[] = [
  { kind: 'header', name: 'authorization', prefix: 'Bearer ' },
  { kind: 'param', name: 'access_token', prefix: '' },
]

/** A rule's locations in Envoy's extraction order: headers by name+prefix, then parameters, then cookies. */
export function locationsOf (rule: JwtRule): TokenLocation[] {
  const headers = (rule.fromHeaders ?? []).map((h): TokenLocation => ({ kind: 'header', name: h.name, prefix: h.prefix }))
  const params = (rule.fromParams ?? []).map((name): TokenLocation => ({ kind: 'param', name, prefix: '' }))
  const cookies = (rule.fromCookies ?? []).map((name): TokenLocation => ({ kind: 'cookie', name, prefix: '' }))
  if (headers.length + params.length + cookies.length === 0) return DEFAULT_LOCATIONS
  const byKey = (a: TokenLocation, b: TokenLocation): number => (a.name + a.prefix < b.name + b.prefix ? -1 : a.name + a.prefix > b.name + b.prefix ? 1 : 0)
  const unique = (list: TokenLocation[]): TokenLocation[] => list.filter((l, i) => list.findIndex((o) => o.name === l.name && o.prefix === l.prefix) === i)
  return [...unique(headers).sort(byKey), ...unique(params).sort(byKey), ...unique(cookies).sort(byKey)]
}

/** The base64url-and-dots run after `from` (Envoy skips other characters first; none: the whole value). */
function jwtAfter (value: string, from: number): string {
  const rest = value.slice(from)
  const m = /[A-Za-z0-9\-_.]+/.exec(rest)
  return m ? m[0] : value
}

function queryParam (query: string, name: string): string | undefined {
  if (query === '') return undefined
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=')
    const key = eq === -1 ? pair : pair.slice(0, eq)
    if (safeDecode(key) === name) return safeDecode(eq === -1 ? '' : pair.slice(eq + 1))
  }
  return undefined
}

function safeDecode (s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

function cookie (header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1')
  }
  return undefined
}

function tokenAt (loc: TokenLocation, req: TokenCarrier): string | undefined {
  if (loc.kind === 'param') return queryParam(req.query, loc.name)
  if (loc.kind === 'cookie') return cookie(req.header('cookie'), loc.name)
  const value = req.header(loc.name)
  if (value === undefined) return undefined
  if (loc.prefix === '') return value
  const last = lastHeader.get(loc)
  if (last?.value === value) return last.token
  // Envoy looks for the prefix anywhere in the value, case-sensitively: `bearer <token>` is no token.
  const at = value.indexOf(loc.prefix)
  const token = at === -1 ? undefined : jwtAfter(value, at + loc.prefix.length)
  lastHeader.set(loc, { value, token })
  return token
}

export function extractTokens (locations: readonly TokenLocation[], req: TokenCarrier): FoundToken[] {
  const found: FoundToken[] = []
  for (const location of locations) {
    const token = tokenAt(location, req)
    if (token !== undefined) found.push({ token, location })
  }
  return found
}
