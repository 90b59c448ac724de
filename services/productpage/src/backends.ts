import { fetchWithAttempts, parseJson, type OutboundResult } from '@bookinfo/service-kit'
import type { FastifyBaseLogger } from 'fastify'
import type { Counter } from 'prom-client'
import type { Dispatcher } from 'undici'
import type { ProductpageConfig } from './config.ts'

export type BackendName = 'details' | 'reviews' | 'ratings'

/**
 * One logical backend call, reduced to what the page and the API need:
 * ok with the parsed JSON body, or failed with the status to report (upstream's, or 500 without one).
 */
export type BackendResult =
  | { ok: true, status: 200, body: unknown }
  | { ok: false, status: number }

// Contract §5.3: reviews is retried once on any failure (the fault-injection task relies on 2 × 3 s).
const ATTEMPTS: Record<BackendName, number> = { details: 1, reviews: 2, ratings: 1 }

export interface BackendsOptions {
  config: Pick<ProductpageConfig, 'backends' | 'backendTimeoutMs' | 'backendConnections'>
  /** `request_result` counter (labels destination_app, response_code). */
  counter: Counter<'destination_app' | 'response_code'>
  dispatcher?: Dispatcher
}

export type CallBackend = (name: BackendName, id: number, headers: Record<string, string>, log: FastifyBaseLogger) => Promise<BackendResult>

/** `GET <backend>/<name>/<id>` with the contract's attempts and per-attempt deadline; never throws. */
export function createBackendCaller ({ config, counter, dispatcher }: BackendsOptions): CallBackend {
  return async (name, id, headers, log) => {
    const url = `${config.backends[name]}/${name}/${id}`
    const result = await fetchWithAttempts(url, {
      headers,
      timeoutMs: config.backendTimeoutMs,
      connections: config.backendConnections,
      attempts: ATTEMPTS[name],
      ...(dispatcher ? { dispatcher } : {}),
    })
    // Upstream counts the call's final status (500 when there was none), once per logical call.
    counter.inc({ destination_app: name, response_code: String(statusOf(result)) })
    return toBackendResult(name, result, log)
  }
}

function statusOf (result: OutboundResult): number {
  return result.kind === 'response' ? result.status : 500
}

function toBackendResult (name: BackendName, result: OutboundResult, log: FastifyBaseLogger): BackendResult {
  if (result.kind === 'failure') {
    log.warn({ backend: name, reason: result.reason, detail: result.message }, 'backend call failed')
    return { ok: false, status: 500 }
  }
  if (result.status !== 200) {
    log.info({ backend: name, status: result.status }, 'backend answered with an error status')
    // A status Fastify cannot send (outside 200–599) is reported as "no usable response".
    return { ok: false, status: result.status >= 200 && result.status <= 599 ? result.status : 500 }
  }
  const body = parseJson(result.text)
  if (body === undefined) {
    // Upstream crashed into a 500 page here (contract §5.3 QUIRK); we report it like a failed call.
    log.warn({ backend: name }, 'backend answered 200 with a body that is not JSON')
    return { ok: false, status: 500 }
  }
  return { ok: true, status: 200, body }
}
