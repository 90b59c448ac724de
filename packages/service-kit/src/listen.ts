import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'

export interface ListenOptions {
  host: string
  port: number
  /** How long in-flight requests get after SIGTERM before the process exits anyway. */
  graceMs: number
}

/**
 * Listens, and on SIGTERM/SIGINT stops accepting, lets in-flight requests finish (up to graceMs) and
 * exits 0. Dual-stack by default (`::` with IPv4-mapped addresses), as upstream's dual-stack manifests need.
 */
export async function listenWithGrace (app: FastifyInstance, { host, port, graceMs }: ListenOptions): Promise<void> {
  closeWithGrace({ delay: graceMs, logger: app.log }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an error')
    else app.log.info({ signal }, 'closing')
    await app.close()
  })
  app.server.headersTimeout = 10_000
  await app.listen({ host, port, ...(host === '::' ? { ipv6Only: false } : {}) })
}
