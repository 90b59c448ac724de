import fc from 'fast-check'
import { hostileRequest, type HostileRequest } from './hostile-inputs.ts'

export { fc }
export * from './hostile-inputs.ts'

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
