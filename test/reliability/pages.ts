// What a /productpage answer showed, the personas that load it, and the checks every fault test makes on
// its samples. Shared by the local tier (test/reliability) and the compose tier (test/images).
import { readFileSync } from 'node:fs'
import { devPersonas } from '../../dev/idp/src/index.ts'
import { OidcBrowser } from '@bookinfo/test-helpers/oidc-browser'
import type { LoadClient, LoadSample } from '@bookinfo/test-helpers/steady-load'

/**
 * The parts a page shows, joined with `+`: `in` (signed in) or `out`, then `details` and `reviews` when each is
 * there, then `ratings` (stars) or `ratings-unavailable` (reviews v1 shows neither). Anything that is not
 * upstream's page is `not-a-page`.
 */
export function pageKind (status: number, body: string): string {
  if (status !== 200 || !body.includes('<title>Simple Bookstore App</title>')) return 'not-a-page'
  const parts = [body.includes('sign out</a>') ? 'in' : />Sign in<\/(a|button)>/.test(body) ? 'out' : 'no-sign-in']
  if (body.includes('<h4 class="text-center text-primary">Book Details</h4>')) parts.push('details')
  if (body.includes('<h4 class="text-center text-primary">Book Reviews</h4>')) {
    parts.push('reviews')
    if (body.includes('Ratings service is currently unavailable')) parts.push('ratings-unavailable')
    else if (body.includes('glyphicon glyphicon-star')) parts.push('ratings')
  }
  return parts.join('+')
}

export type PersonaName = 'anonymous' | 'user' | 'moderator'

/** Page kinds a persona may see at one moment: one kind, or any of several (reviews v1 has no stars). */
export type Expected = string | string[]

const matches = (kind: string | undefined, expected: Expected) => Array.isArray(expected) ? expected.includes(kind ?? '') : kind === expected

/** What each persona sees with every dependency up (the authorization matrix of the README), on one reviews version. */
export const FULL_PAGE: Record<PersonaName, Expected> = {
  anonymous: 'out',
  user: 'in+details',
  moderator: 'in+details+reviews+ratings',
}

/** The worst case of productpage's deadlines: reviews gets 2 attempts of 3 s; plus time to render on a busy machine. */
export const WORST_CASE_MS = 2 * 3000 + 500

export interface Persona {
  name: PersonaName
  /** The Cookie header of its signed-in browser (empty for anonymous). */
  cookie: string
}

/** Signs a persona in through the real IdP; anonymous needs no browser. */
export async function signIn (productpageUrl: string, name: PersonaName): Promise<Persona> {
  if (name === 'anonymous') return { name, cookie: '' }
  const personas = devPersonas()
  const browser = new OidcBrowser()
  const done = await browser.signIn(`${productpageUrl}/login`, name === 'user' ? personas.user : personas.mod)
  if (!pageKind(done.page.status, done.page.body).startsWith('in+')) {
    throw new Error(`${name} did not end signed in on the page: ${done.page.status} ${done.page.url.href}`)
  }
  return { name, cookie: browser.cookieHeader(new URL(`${productpageUrl}/productpage`)) }
}

/**
 * Load clients, one per entry of `personas` (repeat a name for more), each loading /productpage as that
 * persona. Each request reads its entry again, so a test can replace a persona's cookie (a new sign-in).
 */
export function pageClients (productpageUrl: string, personas: Persona[]): LoadClient[] {
  return personas.map((persona, i) => ({
    name: persona.name,
    next: () => {
      const cookie = personas[i]?.cookie ?? ''
      const headers: Record<string, string> = cookie === '' ? {} : { cookie }
      return { url: `${productpageUrl}/productpage`, headers }
    },
  }))
}

/** One outage: when the dependency went away, when it was started again, and when it answered its health check. */
export interface Outage {
  dependency: string
  stoppedAt: number
  restartedAt: number
  recoveredAt: number
  /** What each persona's page shows while it is away. */
  during: Partial<Record<PersonaName, Expected>>
  /** What each persona's page shows from 2 s after its recovery (default: `full`). */
  after?: Partial<Record<PersonaName, Expected>>
  /** Until when `after` holds (default: the next outage), e.g. until the personas sign in again. */
  afterUntil?: number
}

/** How long after a recovery the page must be whole again. */
export const RECOVERY_MS = 2000

/**
 * Every way the samples of a load across outages can be wrong, as readable lines (empty: all good): a status
 * other than 200 or no answer, an answer slower than the worst case, the wrong page during an outage, a page
 * not whole again within RECOVERY_MS of the dependency's recovery.
 */
export function pageProblems (samples: LoadSample[], outages: Outage[], full: Record<PersonaName, Expected> = FULL_PAGE, worstMs = WORST_CASE_MS): string[] {
  const problems: string[] = []
  const say = (s: LoadSample, what: string) => problems.push(`${s.client} at ${Math.round(s.at)} ms (${Math.round(s.ms)} ms): ${what}`)
  for (const s of samples) {
    if (s.status !== 200) say(s, s.error ?? `status ${s.status}`)
    if (s.ms > worstMs) say(s, `slower than ${worstMs} ms`)
    const name = s.client as PersonaName
    for (const o of outages) {
      const during = o.during[name]
      if (s.at > o.stoppedAt && s.at + s.ms < o.restartedAt && during !== undefined && !matches(s.kind, during)) {
        say(s, `${o.dependency} away: showed ${s.kind}, expected ${String(during)}`)
      }
      const after = o.after?.[name] ?? full[name]
      const next = outages[outages.indexOf(o) + 1]
      const until = o.afterUntil ?? next?.stoppedAt ?? Infinity
      const settled = s.at > o.recoveredAt + RECOVERY_MS && s.at + s.ms < until
      if (settled && !matches(s.kind, after)) say(s, `${RECOVERY_MS} ms after ${o.dependency} recovered: showed ${s.kind}, expected ${String(after)}`)
    }
  }
  return problems
}

/** Lines of JSON logs that show a crash in the making: an unhandled rejection or exception, a fatal line. */
export function crashLines (logFiles: string[]): string[] {
  const bad = /unhandledRejection|uncaughtException|Unhandled|closing after an error|"level":60/
  return logFiles.flatMap((file) => readFileSync(file, 'utf8').split('\n').filter((line) => bad.test(line)).map((line) => `${file}: ${line.slice(0, 300)}`))
}
