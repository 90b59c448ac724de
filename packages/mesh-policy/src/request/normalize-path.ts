// Istio's default path normalisation (mesh config `pathNormalization: BASE`): Envoy's `normalize_path`,
// which canonicalises the path as Chromium's URL parser does (RFC 3986 dot segments, `\` → `/`, escapes
// of unreserved characters decoded, other escapes kept as sent, unsafe characters escaped), with
// `merge_slashes` off and escaped slashes kept. The query is left untouched. Envoy refuses a path it
// cannot normalise (an escaped NUL) and a path with a fragment with 400.

const PASS = 0
const SPECIAL = 1
const ESCAPE = 3
const UNESCAPE = 4
const INVALID = 9

/** Per ASCII character: what the canonical path does with it (Chromium's kPathCharLookup). */
const TABLE: Uint8Array = (() => {
  const t = new Uint8Array(256).fill(ESCAPE)
  t[0] = INVALID
  for (const ch of '!$&\'()*+,/:;=@[]') t[ch.charCodeAt(0)] = PASS
  for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~') t[ch.charCodeAt(0)] = UNESCAPE
  t['.'.charCodeAt(0)] = SPECIAL
  return t
})()

const HEX = /^[0-9a-fA-F]{2}$/
/** Paths that canonicalise to themselves: no escape, backslash, dot segment or unsafe character. */
const ALREADY_CANONICAL = /^\/[A-Za-z0-9\-_~!$&'()*+,;=:@/.[\]]*$/

export type NormalizedTarget =
  | { ok: true, path: string, query: string }
  | { ok: false }

/** Length of a dot at `i` (`.` → 1, `%2e`/`%2E` → 3, else 0). */
function dotLength (s: string, i: number): number {
  if (s[i] === '.') return 1
  return s[i] === '%' && s[i + 1] === '2' && (s[i + 2] === 'e' || s[i + 2] === 'E') ? 3 : 0
}

const isSlash = (ch: string | undefined): boolean => ch === '/' || ch === '\\'

/** Removes the last segment of `out` (which ends with `/`), never above the root. */
function backUpOneSegment (out: string[]): void {
  out.pop()
  while (out.length > 1 && out[out.length - 1] !== '/') out.pop()
  if (out.length === 0) out.push('/')
}

/** A dot right after a slash: `.` and `..` segments are resolved; returns how many input chars it used. */
function dotSegment (s: string, i: number, dot: number, out: string[]): number {
  const after = i + dot
  if (after === s.length || isSlash(s[after])) return dot + (after === s.length ? 0 : 1)
  const second = dotLength(s, after)
  const afterSecond = after + second
  if (second > 0 && (afterSecond === s.length || isSlash(s[afterSecond]))) {
    backUpOneSegment(out)
    return dot + second + (afterSecond === s.length ? 0 : 1)
  }
  out.push('.')
  return dot
}

/** `%XY` at `i`: decoded when unreserved, kept as sent otherwise; `%00` is an error (returns undefined). */
function escapeSequence (s: string, i: number, out: string[]): number | undefined {
  const hex = s.slice(i + 1, i + 3)
  if (!HEX.test(hex)) {
    out.push('%')
    return 1
  }
  const flags = TABLE[parseInt(hex, 16)] ?? ESCAPE
  if (flags === INVALID) return undefined
  out.push(flags === UNESCAPE ? String.fromCharCode(parseInt(hex, 16)) : `%${hex}`)
  return 3
}

const escapeByte = (code: number): string => `%${code.toString(16).toUpperCase().padStart(2, '0')}`

/** The canonical form of a path (starting with `/`, no query), or undefined when Envoy would refuse it. */
export function canonicalPath (path: string): string | undefined {
  if (ALREADY_CANONICAL.test(path) && !path.includes('/.')) return path
  const out: string[] = []
  for (let i = 0; i < path.length;) {
    const ch = path[i] ?? ''
    const code = ch.charCodeAt(0)
    const dot = dotLength(path, i)
    if (dot > 0 && out[out.length - 1] === '/') {
      i += dotSegment(path, i, dot, out)
    } else if (dot > 0) {
      out.push('.')
      i += dot
    } else if (ch === '%') {
      const used = escapeSequence(path, i, out)
      if (used === undefined) return undefined
      i += used
    } else {
      const flags = TABLE[code] ?? ESCAPE
      if (flags === INVALID) return undefined
      out.push(ch === '\\' ? '/' : flags === ESCAPE ? escapeByte(code) : ch)
      i++
    }
  }
  return out.join('')
}

/** Splits and normalises a request target (origin form only); `ok: false` is Envoy's 400. */
export function normalizeTarget (url: string): NormalizedTarget {
  if (!url.startsWith('/') || url.includes('#')) return { ok: false }
  const q = url.indexOf('?')
  const path = canonicalPath(q === -1 ? url : url.slice(0, q))
  if (path === undefined) return { ok: false }
  return { ok: true, path, query: q === -1 ? '' : url.slice(q + 1) }
}
