import { setTimeout as sleep } from 'node:timers/promises'
import type { Persona } from './personas.ts'
import { runSession, type SessionResult } from './session.ts'

export interface LoadOptions {
  /** productpage's public origin, e.g. http://localhost:9080. */
  target: string
  personas: Persona[]
  /** Sessions started per second. */
  rate: number
  pages: number
  /** Stop starting sessions after this many (0: no limit). */
  sessions: number
  /** Stop starting sessions after this long (0: no limit). */
  durationMs: number
  signal?: AbortSignal
  /** Called after each session. */
  onSession?: (result: SessionResult, totals: Totals) => void
}

export interface Totals {
  sessions: number
  failedSessions: number
  /** HTTP status → count, over every request. */
  statuses: Record<string, number>
  /** persona → request → status → count. */
  byPersona: Record<string, Record<string, Record<string, number>>>
}

/** Starts sessions at `rate` (personas in turn) until a limit or the signal; waits for the running ones. */
export async function runLoad (options: LoadOptions): Promise<Totals> {
  const totals: Totals = { sessions: 0, failedSessions: 0, statuses: {}, byPersona: {} }
  const running = new Set<Promise<void>>()
  const started = Date.now()
  const intervalMs = 1000 / options.rate
  for (let n = 0; ; n++) {
    if (options.signal?.aborted === true) break
    if (options.sessions > 0 && n >= options.sessions) break
    if (options.durationMs > 0 && Date.now() - started >= options.durationMs) break
    const persona = options.personas[n % options.personas.length]
    if (persona === undefined) throw new Error('no personas')
    const session = runSession(options.target, persona, options.pages).then((result) => {
      add(totals, result)
      options.onSession?.(result, totals)
    })
    running.add(session)
    session.then(() => running.delete(session), () => running.delete(session)).catch(() => {})
    const next = started + (n + 1) * intervalMs - Date.now()
    if (next > 0) await sleep(next, undefined, { signal: options.signal }).catch(() => {})
  }
  await Promise.all(running)
  return totals
}

function add (totals: Totals, result: SessionResult): void {
  totals.sessions++
  if (result.error !== undefined) totals.failedSessions++
  const persona = (totals.byPersona[result.persona] ??= {})
  for (const { request, status } of result.statuses) {
    totals.statuses[status] = (totals.statuses[status] ?? 0) + 1
    const counts = (persona[request] ??= {})
    counts[status] = (counts[status] ?? 0) + 1
  }
}

/** One line: sessions and the count of each status. */
export function summarize (totals: Totals): string {
  const statuses = Object.entries(totals.statuses).sort().map(([status, count]) => `${status}: ${count}`).join(', ')
  return `${totals.sessions} sessions (${totals.failedSessions} failed), ${statuses || 'no responses'}`
}
