import { connect } from 'node:net'
import type { TestServer } from './http-server.ts'
import { checkHostile, fc, hostilePath, PROPAGATED_OR_READ, type HostileRequest } from './hostile.ts'

/** What came back on a raw connection; status 0 when the server closed without an answer. */
export interface WireAnswer {
  status: number
  headers: Record<string, string>
  body: string
}

/** Decodes a chunked body (enough for the answers our servers send). */
function unchunk (raw: string): string {
  let out = ''
  let rest = raw
  for (;;) {
    const eol = rest.indexOf('\r\n')
    const size = Number.parseInt(rest.slice(0, eol), 16)
    if (eol < 0 || !Number.isFinite(size) || size === 0) return out
    out += rest.slice(eol + 2, eol + 2 + size)
    rest = rest.slice(eol + 4 + size)
  }
}

/**
 * Sends `bytes` as they are (a client that ignores what HTTP forbids: CR, LF or NUL in a header) on a fresh
 * connection and reads until the server closes it. A server that neither answers nor closes within
 * `timeoutMs` is a hang, and the promise rejects.
 */
export async function rawExchange (port: number, bytes: Buffer | string, timeoutMs = 10_000): Promise<WireAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    // Written, not ended: a half-closed socket may be dropped before the answer; `Connection: close` ends it.
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
    socket.setTimeout(timeoutMs, () => {
      socket.destroy()
      reject(new Error(`no answer and no close within ${timeoutMs} ms (a hang)`))
    })
    socket.on('data', (d: Buffer) => chunks.push(d))
    socket.on('error', (err: NodeJS.ErrnoException) => { if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err) })
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1')
      const [head = '', ...rest] = text.split('\r\n\r\n')
      const [statusLine = '', ...lines] = head.split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of lines) {
        const colon = line.indexOf(':')
        if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
      }
      const body = rest.join('\r\n\r\n')
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0) || 0, headers, body: headers['transfer-encoding'] === 'chunked' ? unchunk(body) : body })
    })
  })
}

/** A GET as raw bytes with the headers in the given order, values byte for byte (latin1). */
export function rawGetBytes (path: string, headers: ReadonlyArray<readonly [string, string]>): Buffer {
  const lines = [`GET ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...headers.map(([k, v]) => `${k}: ${v}`), 'Connection: close', '', '']
  return Buffer.from(lines.join('\r\n'), 'latin1')
}

/**
 * An in-process hostile request (`HostileRequest`) as raw bytes for a server in another process: header values
 * lose CR, LF and NUL (the propagation suites send those), duplicated headers are sent twice, the body goes as
 * UTF-8 with its length.
 */
export function hostileRequestBytes (req: HostileRequest): Buffer {
  const body = req.payload === undefined ? Buffer.alloc(0) : Buffer.from(req.payload, 'utf8')
  const lines = [`${req.method} ${req.url} HTTP/1.1`, 'Host: 127.0.0.1']
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of [value].flat()) lines.push(`${name}: ${v.replace(/[\r\n\0]/g, '')}`)
  }
  if (req.payload !== undefined) lines.push(`Content-Length: ${body.length}`)
  lines.push('Connection: close', '', '')
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body])
}

/**
 * A raw request target under `prefixes`: the in-process hostile paths plus what only the wire carries, `..`
 * left unresolved, backslashes, absolute-form and asterisk-form targets.
 */
export const wireTarget = (prefixes: readonly string[]): fc.Arbitrary<string> => fc.oneof(
  hostilePath(prefixes),
  fc.tuple(fc.constantFrom(...prefixes), fc.constantFrom('..\\..\\package.json', '..\\', '\\..\\', '../../../../etc/passwd', '../../package.json',
    '..%2f..%2fpackage.json', '%2e%2e/%2e%2e/package.json', '.%2e/.%2e/src/app.ts', 'css/../../../package.json', 'css/..%5c..%5cpackage.json', './bootstrap.min.css'))
    .map(([prefix, rest]) => `${prefix}${rest}`),
  fc.constantFrom('*', 'http://evil.invalid/static/../package.json', '//evil.invalid/', '/\\evil.invalid')
)

/**
 * Header values a raw client can send: mostly what Node's parser lets through (Latin-1 bytes, tabs, DEL, text that
 * looks like a header or a request, long values), and some with CR, LF or NUL inside (the parser's 400s).
 */
export const wireHeaderValue = (): fc.Arbitrary<string> => fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom('a\r\nx-injected: 1', 'a\nx-injected: 1', 'a\rx-injected: 1', 'a\0b', '\0', 'a\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom('\u00ff\u00fe', '\u0080', 'a\tb', '\t', ' padded ', 'a\u007fb', 'x-injected: 1', '%0d%0ax-injected:%201', 'a, b', 'a;b=c', '"q"', '') },
  { weight: 4, arbitrary: fc.array(fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09)), { maxLength: 40 }).map((bytes) => String.fromCharCode(...bytes)) },
  { weight: 1, arbitrary: fc.integer({ min: 512, max: 8000 }).map((n) => 'v'.repeat(n)) }
)

/** The wire headers of one hostile request: propagated or read names, each maybe twice. */
export const wireHeaderList = (): fc.Arbitrary<Array<[string, string]>> =>
  fc.array(fc.tuple(fc.constantFrom(...PROPAGATED_OR_READ.filter((n) => n !== 'cookie' && n !== 'authorization')), wireHeaderValue()), { minLength: 1, maxLength: 4 })

export interface PropagationCheck {
  /** Names the property in the output. */
  name: string
  /** The service under test, a real process on loopback. */
  port: number
  /** A path whose handler calls `backend` with the propagated headers. */
  path: string
  /** The real recording server the service calls. */
  backend: TestServer
  runs: number
}

/**
 * CR, LF or NUL in a propagated header must never reach an outbound request: the service answers (200, or
 * Node's parser's 400), never a 5xx, never hangs, and the backend sees only whole requests to `path`'s target,
 * with no header value holding CR, LF or NUL and no header the client smuggled in.
 */
export async function checkPropagationOnTheWire ({ name, port, path, backend, runs }: PropagationCheck): Promise<number> {
  let served = 0
  const cases = await checkHostile(name, wireHeaderList(), async (headers) => {
    const before = backend.requests.length
    const answer = await rawExchange(port, rawGetBytes(path, headers))
    if (answer.status === 0 || answer.status >= 500) throw new Error(`answered ${answer.status || 'nothing'} for headers ${JSON.stringify(headers)}`)
    if (answer.status === 200) served++
    for (const request of backend.requests.slice(before)) {
      if (request.url.includes('smuggled')) throw new Error(`a smuggled request reached the backend: ${request.url}`)
      for (const [header, value] of Object.entries(request.headers)) {
        const values = Array.isArray(value) ? value : [value ?? '']
        if (header === 'x-injected' || values.some((v) => /[\r\n\0]/.test(v))) {
          throw new Error(`header ${header} reached the backend with ${JSON.stringify(values)} from ${JSON.stringify(headers)}`)
        }
      }
    }
  }, { runs })
  // Not vacuous: many cases got past Node's parser and were propagated (the rest were its 400s).
  if (served < cases / 5) throw new Error(`only ${served} of ${cases} cases reached the backend: the property proves too little`)
  process.stdout.write(`hostile: ${name}: ${served} of ${cases} cases passed the parser and were propagated\n`)
  return cases
}
