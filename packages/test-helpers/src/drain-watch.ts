import { performance } from 'node:perf_hooks'
import { Agent } from 'undici'
import { countBy, startSteadyLoad, type LoadSample } from './steady-load.ts'

/**
 * A service's shutdown as a balancer sees it: a readiness probe on a new connection every 50 ms, and
 * kept-alive clients that send requests back to back until the probe has seen readiness false for
 * `reactionMs` (a balancer taking the endpoint out), as Kubernetes' endpoints or HAProxy's checks do.
 */
export interface DrainWatch {
  /** ms on the watch's clock (mark the SIGTERM with it). */
  now: () => number
  /** Stops the probe and the clients, closes their connections, and returns what they saw. */
  stop: () => Promise<DrainResult>
}

export interface DrainResult {
  probes: LoadSample[]
  samples: LoadSample[]
}

export function startDrainWatch (opts: { healthUrl: string, url: string, clients?: number, reactionMs?: number, headers?: Record<string, string> }): DrainWatch {
  const t0 = performance.now()
  const clock = () => performance.now() - t0
  const keepAlive = new Agent({ keepAliveTimeout: 30_000 })
  const fresh = new Agent({ pipelining: 0 })
  const probe = startSteadyLoad({ clock, dispatcher: fresh, pauseMs: 50, clients: [{ name: 'probe', next: () => ({ url: opts.healthUrl }) }] })
  const notReadySince = () => probe.samples.find((s) => s.status === 503)?.at
  const reactionMs = opts.reactionMs ?? 300
  const load = startSteadyLoad({
    clock,
    dispatcher: keepAlive,
    clients: Array.from({ length: opts.clients ?? 4 }, () => ({
      name: 'kept-alive',
      next: () => {
        const t = notReadySince()
        return t !== undefined && clock() > t + reactionMs ? undefined : { url: opts.url, ...(opts.headers ? { headers: opts.headers } : {}) }
      },
    })),
    classify: (_status, _body, headers) => headers.connection === 'close' ? 'connection-close' : 'keep-alive',
  })
  return {
    now: clock,
    stop: async () => {
      const samples = await load.stop()
      const probes = await probe.stop()
      await Promise.all([keepAlive.close(), fresh.close()])
      return { probes, samples }
    },
  }
}

/**
 * Everything wrong with a drain after a SIGTERM at `sigtermAt` (empty: all good): readiness must answer 200
 * before it, then 503 while the listener still accepts, never 200 again, before connections are refused; no
 * client request may fail, and the ones answered after readiness turned false must say `Connection: close`.
 */
export function drainProblems ({ probes, samples }: DrainResult, sigtermAt: number): string[] {
  const problems: string[] = []
  if (!probes.filter((s) => s.at + s.ms < sigtermAt).every((s) => s.status === 200)) problems.push('readiness was not 200 before SIGTERM')
  const first503 = probes.find((s) => s.status === 503)
  const firstRefused = probes.find((s) => s.error === 'ECONNREFUSED')
  if (first503 === undefined) return [...problems, `readiness never answered 503: ${JSON.stringify(countBy(probes, (s) => s.error ?? s.status))}`]
  if (firstRefused === undefined) problems.push('the listener never closed')
  else if (first503.at + first503.ms >= firstRefused.at) problems.push('the listener closed before readiness turned false')
  // A probe racing the listener's close may see its connection reset; it must never see 200 again.
  if (probes.some((s) => s.at > first503.at && s.status === 200)) problems.push('readiness turned back to 200')
  const failed = samples.filter((s) => s.status !== 200)
  if (failed.length > 0) problems.push(`client requests failed: ${JSON.stringify(countBy(failed, (s) => s.error ?? s.status))}`)
  const whileDraining = samples.filter((s) => s.at > first503.at + first503.ms)
  if (whileDraining.length === 0) problems.push('no client request was served after readiness turned false')
  if (whileDraining.some((s) => s.kind !== 'connection-close')) problems.push('an answer while draining kept its connection alive')
  return problems
}
