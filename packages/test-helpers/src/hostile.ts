import fc from 'fast-check'

export { fc }

/**
 * Hostile input for property-based tests (fast-check): what an attacker sends to a route, shared by every
 * service's and the IdP's hostile-input suite. Each run prints its seed; `HOSTILE_SEED=<seed>` replays it,
 * `HOSTILE_RUNS=<n>` changes the number of cases of every property, and `HOSTILE_PATH=<path>` (with `-t
 * '<test name>'`) jumps straight to the failing case fast-check named.
 */
export interface HostileSettings {
  seed: number
  /** Overrides each property's own number of runs when set. */
  runs: number | undefined
  path: string | undefined
}

function intFromEnv (name: string): number | undefined {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return undefined
  const value = Number(raw)
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got "${raw}"`)
  return value
}

let settings: HostileSettings | undefined

/** One seed per test file (each vitest fork loads this module once), from HOSTILE_SEED or chosen at random. */
export function hostileSettings (): HostileSettings {
  settings ??= {
    seed: intFromEnv('HOSTILE_SEED') ?? (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)),
    runs: intFromEnv('HOSTILE_RUNS'),
    path: process.env.HOSTILE_PATH === '' ? undefined : process.env.HOSTILE_PATH,
  }
  return settings
}

export interface CheckOptions {
  /** Cases when HOSTILE_RUNS is unset. */
  runs: number
  /** A case that takes longer fails as a hang. */
  caseTimeoutMs?: number
}

/**
 * Runs `check` on `runs` generated cases (fast-check shrinks a failure to the smallest case) and prints one
 * line with the property, the number of cases and the seed. A failure's message carries fast-check's seed,
 * path and counterexample, plus the command that replays it. Resolves to the number of cases run.
 */
export async function checkHostile<T> (name: string, arbitrary: fc.Arbitrary<T>, check: (value: T) => Promise<void>, opts: CheckOptions): Promise<number> {
  const { seed, runs, path } = hostileSettings()
  const numRuns = runs ?? opts.runs
  let cases = 0
  const property = fc.asyncProperty(arbitrary, async (value) => {
    cases++
    await check(value)
  })
  try {
    await fc.assert(property, { seed, numRuns, ...(path === undefined ? {} : { path }), timeout: opts.caseTimeoutMs ?? 10_000, endOnFailure: false })
  } catch (err) {
    // The seed gives every property of the file the same cases again; the path is one property's, hence -t.
    const replay = `replay: HOSTILE_SEED=${seed} ./scripts/test.sh <this test file>; straight to the case: add HOSTILE_PATH=<path below> and -t '<this test's name>'`
    throw new Error(`hostile property "${name}" failed\n${replay}\n${(err as Error).message}`, { cause: err })
  }
  process.stdout.write(`hostile: ${name}: ${numRuns} generated cases passed (seed ${seed})\n`)
  return cases
}

/** Throws when a response (status line aside) contains any secret that went in: tokens, cookie values, passwords. */
export function expectNoEcho (answer: { body: string, headers: Record<string, unknown> }, secrets: Iterable<string>): void {
  const text = [answer.body, ...Object.values(answer.headers).flat().map(String)].join('\n')
  for (const secret of secrets) {
    // Short strings occur by chance in any page; every secret the suites feed in is longer.
    if (secret.length >= 12 && text.includes(secret)) {
      throw new Error(`a secret that went in came back out: ${secret.slice(0, 16)}… (${secret.length} chars)`)
    }
  }
}

/** A secret-looking value that cannot occur in a page by chance. */
export const secretValue = (): fc.Arbitrary<string> =>
  fc.stringMatching(/^[A-Za-z0-9_-]{24,64}$/).map((s) => `s3cr3t${s}`)

/** Path segments that try to climb out of a directory or confuse a router: dots, encoded separators, long ones. */
const TRICKY_SEGMENTS = [
  '..', '.', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '%252e%252e', '..%2f', '..%5c', '%2f', '%5C',
  '%00', '%0d%0a', '%0a', '%09', ';', ';jsessionid=1', '%3b', '~', '%ff', '%c0%ae%c0%ae', '%u002e', '%', '%%', '%zz',
  '%3f', '%23', '..;', '.git', 'etc', 'passwd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', 'bootstrap.min.css.map', 'npm.js',
  '%C3%A9', '%E2%80%A8', 'con', 'nul', '*', ':id', '{id}', '$', '%24', '@', '%40',
]

/**
 * One path segment, as it appears raw in a request target (printable ASCII only; the rest percent-encoded).
 * `app.inject` resolves `..` and refuses a raw backslash as URL parsers do, so traversal proper is a wire test
 * (`hostile-wire.ts`); in-process these still reach the router's and the handlers' parsing.
 */
export const pathSegment = (): fc.Arbitrary<string> => fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TRICKY_SEGMENTS) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9._~-]{0,16}$/) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }).map(encodeURIComponent) },
  // Over-long: past the router's parameter limit (200) and into the kilobytes.
  { weight: 1, arbitrary: fc.integer({ min: 150, max: 4000 }).map((n) => 'a'.repeat(n)) }
)

/** A request target under one of `prefixes` (which end with `/`), with hostile segments and maybe a query. */
export const hostilePath = (prefixes: readonly string[]): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...prefixes), fc.array(pathSegment(), { maxLength: 5 }), fc.constantFrom('', '/', '//', '?', '?x=1'))
    .map(([prefix, segments, tail]) => `${prefix}${segments.join('/')}${tail}`)

/** Product ids as a client might type or forge them: extremes, other notations, other scripts, garbage. */
export const hostileId = (): fc.Arbitrary<string> => fc.oneof(
  fc.constantFrom('0', '-1', '+1', '-0', '00', '1e3', '0x1f', '0b1', '0o7', '1.5', '1.', '.5', '%201', '1%20', '%EF%BC%90',
    '%D9%A3', '9007199254740993', '2147483648', '-2147483649', '99999999999999999999999999', 'NaN', 'Infinity', '-Infinity',
    'null', 'undefined', 'true', '%5B%5D', '%7B%7D', '__proto__', 'constructor', 'toString', '1%00', '1;2', '1,2'),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.double({ noNaN: false }).map((n) => encodeURIComponent(String(n))),
  pathSegment()
)

const QUERY_KEYS = ['u', 'code', 'state', 'error', 'error_description', 'iss', 'returnTo', 'redirect_uri', 'post_logout_redirect_uri',
  'client_id', 'next', 'url', 'access_token', '__proto__', 'constructor[prototype][x]', 'a[]', 'a[b]', '', '=', '%00', '%0d%0a']

const queryValue = (): fc.Arbitrary<string> => fc.oneof(
  fc.constantFrom('', '%00', '%0d%0aSet-Cookie:%20x=1', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'http%3A%2F%2Fevil.invalid%2F',
    '%2F%2Fevil.invalid', 'javascript%3Aalert(1)', '%ff%fe', '..%2F..%2F', 'true', '1', '-1', '%E2%80%AE'),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.integer({ min: 500, max: 6000 }).map((n) => 'q'.repeat(n))
)

/** A query string (without `?`): repeated keys, prototype names, encoded CR/LF/NUL, redirects elsewhere, long values. */
export const hostileQuery = (): fc.Arbitrary<string> =>
  fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.stringMatching(/^[a-z_]{1,12}$/)), queryValue()), { maxLength: 6 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'))

/** Methods a route does not expect, in cases Fastify knows (unknown tokens are Node's parser's 400 on the wire). */
export const hostileMethod = (): fc.Arbitrary<'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'TRACE' | 'PROPFIND' | 'SEARCH'> =>
  fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH')

/**
 * A header value: CR/LF (response splitting, header injection), NUL, characters outside Latin-1, empty,
 * whitespace only, and over-long values (in-process; on the wire Node's parser refuses what HTTP forbids).
 */
export const hostileHeaderValue = (): fc.Arbitrary<string> => fc.oneof(
  fc.constantFrom('', ' ', '\t', 'a\r\nx-injected: 1', '\r\n\r\nGET /admin HTTP/1.1', 'a\nb', 'a\rb', 'a\0b', '\0', '\u007f',
    '\u00ff', '\u0100', '\u20ac', '\u2028', '\ud800', 'localhost:9080@evil.invalid', 'evil.invalid', '..', '%0d%0a'),
  fc.string({ unit: 'binary', maxLength: 48 }),
  fc.stringMatching(/^[\x20-\x7e]{0,64}$/),
  fc.integer({ min: 1024, max: 12_000 }).map((n) => 'h'.repeat(n))
)

/** Headers every service propagates or reads (contract §1.1 and the login's), each maybe duplicated. */
export const PROPAGATED_OR_READ = ['x-request-id', 'traceparent', 'tracestate', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-sampled', 'b3', 'sw8',
  'x-ot-span-context', 'x-cloud-trace-context', 'grpc-trace-bin', 'x-datadog-trace-id', 'end-user', 'user-agent', 'jwt', 'authorization',
  'cookie', 'referer', 'origin', 'sec-fetch-site', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'accept', 'accept-encoding']

/** A set of hostile headers for an in-process request (`app.inject`); arrays are duplicated headers. */
export const hostileHeaders = (names: readonly string[] = PROPAGATED_OR_READ): fc.Arbitrary<Record<string, string | string[]>> =>
  fc.dictionary(fc.constantFrom(...names), fc.oneof(hostileHeaderValue(), fc.array(hostileHeaderValue(), { minLength: 2, maxLength: 3 })), { maxKeys: 6 })

/** Headers with values a real client can put on the wire (no CR, LF or NUL: those are the raw-socket suites'). */
export const wireHeaders = (names: readonly string[] = PROPAGATED_OR_READ): fc.Arbitrary<Record<string, string>> =>
  fc.dictionary(fc.constantFrom(...names), fc.oneof(fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,62}[\x21-\x7e])?$/), fc.integer({ min: 512, max: 4000 }).map((n) => 'w'.repeat(n))), { maxKeys: 6 })

/**
 * A Cookie header built around real cookies (`name=value` pairs the suite got from the app): truncated,
 * with a flipped character, another session's id, duplicated names, oversized, or plain garbage syntax.
 */
export const hostileCookie = (real: readonly string[], names: readonly string[] = ['session']): fc.Arbitrary<string> => {
  const known = real.length > 0 ? real : ['session=x']
  const mutated = fc.tuple(fc.constantFrom(...known), fc.nat(), fc.constantFrom('truncate', 'flip', 'append', 'swap-signature'))
    .map(([pair, n, how]) => {
      const [name, value = ''] = pair.split(/=(.*)/s)
      const i = value.length === 0 ? 0 : n % value.length
      if (how === 'truncate') return `${name}=${value.slice(0, i)}`
      if (how === 'flip') return `${name}=${value.slice(0, i)}${value[i] === 'A' ? 'B' : 'A'}${value.slice(i + 1)}`
      if (how === 'append') return `${name}=${value}${value}`
      const other = known[(n + 1) % known.length]?.split('.').pop() ?? ''
      return `${name}=${value.split('.')[0] ?? ''}.${other}`
    })
  const named = fc.tuple(fc.constantFrom(...names), fc.oneof(secretValue(), fc.string({ maxLength: 30 }).map(encodeURIComponent), fc.integer({ min: 4096, max: 12_000 }).map((n) => 'c'.repeat(n))))
    .map(([name, value]) => `${name}=${value}`)
  const garbage = fc.constantFrom('=', ';;;', 'session', 'session=', '=session', 'session=%', 'session="x', 'session=a; session=b', '\u00e9=\u00e9')
  return fc.array(fc.oneof(mutated, named, garbage, fc.constantFrom(...known)), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('; '))
}

/** A request body and its content type (undefined: none sent). */
export interface HostileBody {
  contentType: string | undefined
  payload: string
}

const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/xml', 'multipart/form-data; boundary=x',
  'application/json; charset=utf-16', 'application/json; charset=x-unknown', 'APPLICATION/JSON', 'application/json, text/html', '*/*', '', ';', 'application/']

const deepNesting = (): fc.Arbitrary<string> => fc.tuple(fc.integer({ min: 64, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) => arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)

/** Bodies of the wrong type, malformed, deeply nested, oversized (past the 64 KiB limit), or prototype-polluting. */
export const hostileBody = (): fc.Arbitrary<HostileBody> => fc.record({
  contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }),
  payload: fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
    deepNesting(),
    fc.constantFrom('{', '{"a":', '[1,', '"', 'nul', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}',
      '{"id":1,"ratings":{"__proto__":5}}', '{"id":"1","ratings":[]}', '{"username":["a","b"]}', 'username[]=a&username[]=b',
      'username=a&username=b', 'username=%00', '\u0000', '\ufeff{}', '1e999999', '-0', '{"a":1}{"b":2}'),
    fc.integer({ min: 65 * 1024, max: 200 * 1024 }).map((n) => `{"x":"${'x'.repeat(n)}"}`),
    fc.string({ unit: 'binary', maxLength: 200 })
  ),
})

/** One in-process request (`app.inject`) an attacker might send, with the credential it carries. */
export interface HostileRequest {
  method: ReturnType<typeof hostileMethod> extends fc.Arbitrary<infer M> ? M : never
  url: string
  headers: Record<string, string | string[]>
  payload: string | undefined
  /** A credential placed somewhere in the request (cookie, bearer, jwt header, access_token, password): it must never come back. */
  secret: string
}

/** The directories of `paths`, each ending with `/`, to grow hostile paths under. */
function prefixesOf (paths: readonly string[]): string[] {
  return [...new Set(paths.map((p) => p.slice(0, p.lastIndexOf('/') + 1)))]
}

type Placement = 'cookie' | 'bearer' | 'jwt' | 'query' | 'password'

function place (where: Placement, secret: string, url: string, headers: Record<string, string | string[]>, payload: string | undefined) {
  if (where === 'cookie') return { url, headers: { ...headers, cookie: [headers.cookie, `session=${secret}`].flat().filter(Boolean).join('; ') }, payload }
  if (where === 'bearer') return { url, headers: { ...headers, authorization: `Bearer ${secret}` }, payload }
  if (where === 'jwt') return { url, headers: { ...headers, jwt: secret }, payload }
  if (where === 'query') return { url: `${url}${url.includes('?') ? '&' : '?'}access_token=${secret}`, headers, payload }
  return { url, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: `username=jason&passwd=${secret}&password=${secret}` }
}

/**
 * A whole request against a service's `paths` (its routes, as a client would write them): a hostile path under
 * their directories or a route with a hostile query, any method, hostile headers, maybe a cookie, maybe a body,
 * and one secret credential somewhere in it.
 */
export const hostileRequest = ({ paths, cookie = hostileCookie([]) }: { paths: readonly string[], cookie?: fc.Arbitrary<string> }): fc.Arbitrary<HostileRequest> =>
  fc.record({
    method: hostileMethod(),
    url: fc.oneof(
      hostilePath(prefixesOf(paths)),
      fc.tuple(fc.constantFrom(...paths), hostileQuery()).map(([path, query]) => query === '' ? path : `${path}?${query}`),
      // A route's numeric id replaced by a hostile one (routes without an id keep their path).
      fc.tuple(fc.constantFrom(...paths), hostileId()).map(([path, id]) => path.replace(/\/\d+(?=\/|$)/, `/${id}`))
    ),
    headers: hostileHeaders(),
    cookie: fc.option(cookie, { nil: undefined }),
    body: fc.option(hostileBody(), { nil: undefined }),
    secret: secretValue(),
    where: fc.constantFrom<Placement>('cookie', 'bearer', 'jwt', 'query', 'password'),
  }).map(({ method, url, headers, cookie: c, body, secret, where }) => ({
    method,
    secret,
    ...place(where, secret, url, {
      ...headers,
      ...(c === undefined ? {} : { cookie: c }),
      ...(body?.contentType === undefined ? {} : { 'content-type': body.contentType }),
    }, body?.payload),
  }))

/** What the suites need of a Fastify app: `inject` (kept structural: this package does not depend on Fastify). */
export interface Injectable {
  inject: (opts: { method: HostileRequest['method'], url: string, headers: Record<string, string | string[]>, payload?: string }) => PromiseLike<{ statusCode: number, body: string, headers: Record<string, unknown> }>
}

/**
 * The broad property every service runs in-process: any hostile request to its routes gets an answer below 500,
 * within the case deadline, and no secret that went in (the request's own credential, plus `secrets`) comes back.
 */
export async function checkAnyRequest (name: string, app: Injectable, opts: { paths: readonly string[], runs: number, cookie?: fc.Arbitrary<string>, secrets?: readonly string[] }): Promise<number> {
  return checkHostile(name, hostileRequest({ paths: opts.paths, ...(opts.cookie === undefined ? {} : { cookie: opts.cookie }) }), async (req) => {
    const res = await app.inject({ method: req.method, url: req.url, headers: req.headers, ...(req.payload === undefined ? {} : { payload: req.payload }) })
    if (res.statusCode >= 500) throw new Error(`${req.method} ${req.url.slice(0, 200)} answered ${res.statusCode}: ${res.body.slice(0, 200)}`)
    expectNoEcho({ body: res.body, headers: res.headers }, [req.secret, ...(opts.secrets ?? [])])
  }, { runs: opts.runs })
}
