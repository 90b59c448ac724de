import type { Dispatcher } from 'undici'
import { ConstantBackoff, TaskCancelledError, TimeoutStrategy, handleWhenResult, retry, timeout } from 'cockatiel'
import { loadCommonJs } from './load-commonjs.ts'

/** What an outbound call produced. Failures are values: callers render them, nothing throws past here. */
export type OutboundResult =
  | { kind: 'response', status: number, text: string, contentType: string | undefined }
  | { kind: 'failure', reason: 'timeout' | 'network' | 'too-large', message: string }

/**
 * `per-call` (default, upstream's choice): every call opens its own connection and closes it, so L4 load
 * balancing (kube-proxy without a mesh) spreads the calls over all backend pods, e.g. reviews v1/v2/v3.
 * `pooled`: keep-alive connections are reused (undici's pool per origin). Cheaper by a connect and a close
 * per call; right where the balancing is per request anyway (inside a mesh the sidecar balances each
 * request) or where each backend has one instance (local processes, compose).
 */
export type OutboundConnections = 'per-call' | 'pooled'

/** The env var that picks it (productpage's backend calls, reviews' ratings call). */
export const OUTBOUND_CONNECTIONS_ENV = {
  OUTBOUND_CONNECTIONS: { type: 'string', enum: ['per-call', 'pooled'], default: 'per-call' },
} as const

export interface OutboundOptions {
  headers?: Record<string, string>
  method?: 'GET' | 'POST'
  body?: string
  /** Hard deadline for one attempt: connect, headers and the whole body. */
  timeoutMs: number
  /** Bodies above this are refused (a backend cannot make us buffer without bound). */
  maxBodyBytes?: number
  /** Tests pass a MockAgent here; production uses undici's global dispatcher. */
  dispatcher?: Dispatcher
  /** Default `per-call`. */
  connections?: OutboundConnections
}

const DEFAULT_MAX_BODY = 1024 * 1024

type Undici = typeof import('undici')
// undici is loaded on the first call: details and ratings never call out in their default modes, and
// loading it cost about 100 ms of every service's start-up.
let undici: Promise<Undici> | undefined

/**
 * One HTTP call with a hard deadline. By default the connection is not reused (`reset`), as upstream
 * productpage intends: a fresh connection per call lets L4 load balancing spread calls over reviews
 * v1/v2/v3 (see OutboundConnections for the pooled alternative).
 */
export async function fetchWithDeadline (url: string, opts: OutboundOptions): Promise<OutboundResult> {
  // Loaded before the deadline starts: the first call's budget is for the backend, not for our start-up.
  const { request } = await loadCommonJs(undici ??= import('undici'))
  // abortOnReturn: false: the call has ended (body read or destroyed) when fetchOnce returns, so there is
  // nothing left to abort; aborting anyway built an AbortError (with its stack) on every call.
  return timeout(opts.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false })
    .execute(({ signal }) => fetchOnce(request, url, opts, signal))
    .catch((err: unknown) => failureOf(err, opts.timeoutMs))
}

/**
 * Up to `attempts` calls, each with its own deadline, until `isSuccess` holds; returns the last result.
 * productpage's reviews loop (2 attempts of 3 s) is what the fault-injection task relies on.
 */
export async function fetchWithAttempts (
  url: string,
  opts: OutboundOptions & { attempts: number },
  isSuccess: (r: OutboundResult) => boolean = (r) => r.kind === 'response' && r.status === 200
): Promise<OutboundResult> {
  const policy = retry(handleWhenResult((r) => !isSuccess(r as OutboundResult)), {
    maxAttempts: opts.attempts - 1,
    backoff: new ConstantBackoff(0),
  })
  return policy.execute(() => fetchWithDeadline(url, opts))
}

async function fetchOnce (request: Undici['request'], url: string, opts: OutboundOptions, signal: AbortSignal): Promise<OutboundResult> {
  const max = opts.maxBodyBytes ?? DEFAULT_MAX_BODY
  const res = await request(url, {
    method: opts.method ?? 'GET',
    headers: opts.headers ?? {},
    body: opts.body ?? null,
    signal,
    reset: opts.connections !== 'pooled',
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
  })
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length
    if (size > max) {
      res.body.destroy()
      return { kind: 'failure', reason: 'too-large', message: `response body over ${max} bytes` }
    }
    chunks.push(chunk as Buffer)
  }
  const ct = res.headers['content-type']
  return {
    kind: 'response',
    status: res.statusCode,
    text: Buffer.concat(chunks).toString('utf8'),
    contentType: Array.isArray(ct) ? ct[0] : ct,
  }
}

function failureOf (err: unknown, timeoutMs: number): OutboundResult {
  if (err instanceof TaskCancelledError || (err as Error).name === 'AbortError' || (err as Error).name === 'TimeoutError') {
    return { kind: 'failure', reason: 'timeout', message: `no response within ${timeoutMs} ms` }
  }
  return { kind: 'failure', reason: 'network', message: (err as Error).message ?? String(err) }
}

/** Parses a JSON response body; undefined when it is not JSON. */
export function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** A JSON object (not null, not an array): what a parsed body must be before its keys are read. */
export function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
