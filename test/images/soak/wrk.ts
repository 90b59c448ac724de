// Debian's wrk with personas.lua: /productpage as anonymous, user and moderator in turn, each answer checked
// for that persona's page. wrk is a C load generator: it leaves the 2-core machine to the stack.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const SCRIPT = fileURLToPath(new URL('./personas.lua', import.meta.url))

/** What one wrk run counted (personas.lua's JSON line). */
export interface WrkResult {
  requests: number
  durationUs: number
  socketErrors: number
  timeouts: number
  non2xx: number
  /** The moderator's page: details, reviews (with ratings from v2/v3, none from v1). */
  full: number
  /** The user's page: details, and the reviews error. */
  user: number
  /** The anonymous page: both errors and "Sign in". */
  anonymous: number
  /** Any other page: a part missing that should be there. */
  other: number
  non200: number
  latencyMaxUs: number
  latencyP99Us: number
  latencyMeanUs: number
}

/** Answers that were not the page the persona should see, or no answer at all. */
export const failures = (r: WrkResult): number => r.socketErrors + r.timeouts + r.non200 + r.other

export async function runWrk (opts: { url: string, cookiesFile: string, seconds: number, connections: number, threads?: number }): Promise<WrkResult> {
  const args = ['-t', String(opts.threads ?? 2), '-c', String(opts.connections), '-d', `${opts.seconds}s`, '--timeout', '10s', '-s', SCRIPT, opts.url]
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile('wrk', args, { env: { ...process.env, SOAK_COOKIES: opts.cookiesFile }, timeout: (opts.seconds + 60) * 1000 }, (err, out, errOut) => {
      if (err) reject(new Error(`wrk failed: ${err.message}\n${errOut}`))
      else resolve(out)
    })
  })
  const line = stdout.split('\n').find((l) => l.startsWith('{"requests"'))
  if (line === undefined) throw new Error(`wrk printed no result line:\n${stdout}`)
  return JSON.parse(line) as WrkResult
}
