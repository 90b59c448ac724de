import { performance } from 'node:perf_hooks'
import { request, type Dispatcher } from 'undici'

/** One request a load client sends: where, and with which headers (a persona's cookie). */
export interface LoadRequest {
  url: string
  headers?: Record<string, string>
}

/** A load client: a loop of requests, one at a time, as one user (or one kept-alive connection) would. */
export interface LoadClient {
  /** Who it plays (e.g. `anonymous`, `user`, `moderator`): samples are grouped by it. */
  name: string
  /** The next request; undefined ends this client (e.g. a balancer that saw readiness turn false). */
  next: () => LoadRequest | undefined
}

/** What one request produced. */
export interface LoadSample {
  client: string
  /** When it was sent, in ms since the load started. */
  at: number
  /** How long until its body was read (or it failed). */
  ms: number
  status?: number
  /** What `classify` made of the answer (e.g. `full`, `details-error`). */
  kind?: string
  /** No answer: the error code (ECONNREFUSED, UND_ERR_SOCKET, TimeoutError...). */
  error?: string
}

export interface LoadOptions {
  clients: LoadClient[]
  /** Reads the answer; what it returns is the sample's `kind`. */
  classify?: (status: number, body: string, headers: Record<string, string | string[] | undefined>) => string
  /** undici dispatcher: its connection reuse is the load's (an Agent keeps connections alive). */
  dispatcher?: Dispatcher
  /** Pause of each client between two requests (default 0: back to back). */
  pauseMs?: number
  /** Client-side deadline: a hang is recorded as `TimeoutError` after this (default 20 s). */
  timeoutMs?: number
  /** The samples' clock in ms (default: since this load started); share one to line up several loads. */
  clock?: () => number
}

export interface RunningLoad {
  /** Every sample so far, in the order the answers came. */
  readonly samples: LoadSample[]
  /** The samples' clock (ms). */
  now: () => number
  /** Stops sending, waits for the requests in flight, and returns every sample. */
  stop: () => Promise<LoadSample[]>
}

function errorCode (err: unknown): string {
  const e = err as { code?: unknown, name?: unknown, cause?: { code?: unknown } }
  if (typeof e.code === 'string') return e.code
  if (typeof e.cause?.code === 'string') return e.cause.code
  return typeof e.name === 'string' ? e.name : 'unknown'
}

/**
 * A steady load for fault and shutdown tests: each client sends its next request as soon as the previous one
 * has ended (plus `pauseMs`), and every request is kept as a sample (status, time, what the page showed, or
 * the error). Runs until `stop()`.
 */
export function startSteadyLoad (opts: LoadOptions): RunningLoad {
  const started = performance.now()
  const now = opts.clock ?? (() => performance.now() - started)
  const samples: LoadSample[] = []
  let running = true

  async function one (client: LoadClient, { url, headers }: LoadRequest): Promise<void> {
    const at = now()
    try {
      const res = await request(url, {
        headers: headers ?? {},
        signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
        ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      })
      const body = await res.body.text()
      const kind = opts.classify?.(res.statusCode, body, res.headers)
      samples.push({ client: client.name, at, ms: now() - at, status: res.statusCode, ...(kind === undefined ? {} : { kind }) })
    } catch (err) {
      samples.push({ client: client.name, at, ms: now() - at, error: errorCode(err) })
    }
  }

  async function loop (client: LoadClient): Promise<void> {
    for (;;) {
      const next = running ? client.next() : undefined
      if (next === undefined) return
      await one(client, next)
      if (opts.pauseMs) await new Promise((resolve) => setTimeout(resolve, opts.pauseMs))
    }
  }

  const loops = opts.clients.map(loop)
  return {
    samples,
    now,
    stop: async () => {
      running = false
      await Promise.all(loops)
      return samples
    },
  }
}

/** Counts of samples by a key, e.g. `countBy(samples, (s) => s.error ?? s.status)`. */
export function countBy (samples: LoadSample[], key: (s: LoadSample) => string | number | undefined): Record<string, number> {
  const out: Record<string, number> = {}
  for (const s of samples) {
    const k = String(key(s))
    out[k] = (out[k] ?? 0) + 1
  }
  return out
}
