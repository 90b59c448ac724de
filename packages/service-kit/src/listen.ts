import { setTimeout as sleep } from 'node:timers/promises'
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { markDraining } from './health.ts'

export interface ListenOptions {
  host: string
  port: number
  /** How long the whole shutdown may take after SIGTERM (delay + in-flight requests) before the process exits 1. */
  graceMs: number
  /**
   * After SIGTERM, how long readiness is false (`/health` 503) while the listener still serves, before it
   * closes: time for balancers and probes to stop sending requests. Ctrl-C (SIGINT) skips it.
   */
  delayMs?: number
  /** Signals close-with-grace must leave alone (the memory report's SIGUSR2). */
  keepSignals?: Array<'SIGUSR2'>
}

/**
 * Listens, and on SIGTERM drains: readiness turns false at once (`/health` 503, every response says
 * `Connection: close` so kept-alive clients move on), the listener keeps serving for `delayMs`, then stops
 * accepting, lets in-flight requests finish and exits 0, all within `graceMs` (else exit 1). Dual-stack by
 * default (`::` with IPv4-mapped addresses), as upstream's dual-stack manifests need.
 */
export async function listenWithGrace (app: FastifyInstance, { host, port, graceMs, delayMs = 0, keepSignals = [] }: ListenOptions): Promise<void> {
  let draining = false
  // First listener: a request that arrives while draining gets its answer, then the connection closes.
  app.server.prependListener('request', (_req, res) => { if (draining) res.shouldKeepAlive = false })
  closeWithGrace({ delay: graceMs, logger: app.log, skip: keepSignals }, async ({ signal, err }) => {
    draining = true
    markDraining(app)
    if (err) {
      app.log.error({ err }, 'closing after an error')
    } else if (signal === 'SIGTERM' && delayMs > 0) {
      app.log.info({ signal, delayMs }, 'draining: readiness is false, still serving until the delay ends')
      await sleep(delayMs)
    }
    app.log.info({ signal }, 'closing: no new connections, finishing requests in flight')
    await app.close()
  })
  app.server.headersTimeout = 10_000
  await app.listen({ host, port, ...(host === '::' ? { ipv6Only: false } : {}) })
}
