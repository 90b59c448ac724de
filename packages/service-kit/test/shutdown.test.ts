// Graceful shutdown of a real process built like the four services (runService): under a steady load of
// kept-alive clients, SIGTERM turns readiness false while the listener still serves, then closes it, lets a
// request in flight finish and exits 0 within SHUTDOWN_GRACE_MS.
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { Agent, request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { getFreePort, startService, type ManagedProcess } from '@bookinfo/test-helpers'
import { runToExit } from '@bookinfo/test-helpers/raw-http'
import { drainProblems, startDrainWatch } from '@bookinfo/test-helpers/drain-watch'

const FIXTURE = fileURLToPath(new URL('./fixtures/drain-server.ts', import.meta.url))

let proc: ManagedProcess | undefined
afterEach(async () => { await proc?.stop('SIGKILL') })

async function start (env: Record<string, string>): Promise<{ port: number, proc: ManagedProcess }> {
  const port = await getFreePort()
  proc = await startService(FIXTURE, { PORT: String(port), ...env })
  return { port, proc }
}

describe('SIGTERM under load (SHUTDOWN_DELAY_MS=1500, SHUTDOWN_GRACE_MS=6000)', () => {
  it('answers /health 503 while still serving, then closes, finishes the request in flight and exits 0 in time', async () => {
    const { port, proc } = await start({ SHUTDOWN_DELAY_MS: '1500', SHUTDOWN_GRACE_MS: '6000' })
    const base = `http://127.0.0.1:${port}`
    const watch = startDrainWatch({ healthUrl: `${base}/health`, url: `${base}/wait?ms=20` })
    const fresh = new Agent({ pipelining: 0 })
    await sleep(600)

    const sigterm = watch.now()
    proc.child.kill('SIGTERM')
    await sleep(200)
    // Sent on a new connection while draining; still running when the listener closes (1.5 s after SIGTERM).
    const inFlight = request(`${base}/wait?ms=2500`, { dispatcher: fresh })
      .then(async (res) => ({ status: res.statusCode, body: await res.body.json(), endedAt: watch.now() }))
    const code = await proc.exited
    const exitedAfter = watch.now() - sigterm
    const result = await watch.stop()

    expect(code).toBe(0)
    expect(exitedAfter).toBeLessThan(6000)
    expect(drainProblems(result, sigterm)).toEqual([])
    // The request in flight when the listener closed was answered.
    const answered = await inFlight
    await fresh.close()
    expect(answered).toMatchObject({ status: 200, body: { waited: 2500 } })
    expect(answered.endedAt).toBeGreaterThan(result.probes.find((s) => s.error === 'ECONNREFUSED')?.at ?? Infinity)
    expect(proc.output()).toContain('draining: readiness is false')
  }, 30_000)
})

describe('shutdown settings', () => {
  it('skips the delay on Ctrl-C (SIGINT) and exits 0', async () => {
    const { proc } = await start({ SHUTDOWN_DELAY_MS: '5000', SHUTDOWN_GRACE_MS: '8000' })
    const t = performance.now()
    proc.child.kill('SIGINT')
    expect(await proc.exited).toBe(0)
    // Far below the 5 s delay that SIGTERM would have waited.
    expect(performance.now() - t).toBeLessThan(4000)
    expect(proc.output()).not.toContain('draining: readiness is false')
  })

  it('exits 1 when requests in flight outlast SHUTDOWN_GRACE_MS', async () => {
    const { port, proc } = await start({ SHUTDOWN_GRACE_MS: '500' })
    const stuck = request(`http://127.0.0.1:${port}/wait?ms=5000`).then(() => 'answered', () => 'cut off')
    await sleep(200)
    proc.child.kill('SIGTERM')
    expect(await proc.exited).toBe(1)
    expect(await stuck).toBe('cut off')
    expect(proc.output()).toContain('killed by timeout (500ms)')
  })

  it('refuses a delay that leaves no time within the grace period, naming both variables', () => {
    const run = runToExit(FIXTURE, { SHUTDOWN_DELAY_MS: '5000', SHUTDOWN_GRACE_MS: '5000' })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('SHUTDOWN_DELAY_MS (5000) must be less than SHUTDOWN_GRACE_MS (5000)')
  })
})

describe('memory report (debug only: --expose-gc)', () => {
  it('logs a report after a full GC on SIGUSR2 and keeps serving', async () => {
    const { port, proc } = await start({ NODE_OPTIONS: '--expose-gc' })
    proc.child.kill('SIGUSR2')
    await expect.poll(() => proc.output(), { timeout: 5000 }).toContain('"msg":"memory report"')
    const line = proc.output().split('\n').find((l) => l.includes('"msg":"memory report"')) ?? '{}'
    const { memory } = JSON.parse(line) as { memory: Record<string, unknown> }
    expect(memory).toMatchObject({ rssBytes: expect.any(Number), heapUsedBytes: expect.any(Number), heapLimitBytes: expect.any(Number), fds: expect.any(Number) })
    expect(memory.resources).toMatchObject({ TCPServerWrap: 1 })
    expect((await request(`http://127.0.0.1:${port}/health`)).statusCode).toBe(200)
  })

  it('is not installed without --expose-gc: SIGUSR2 keeps its shutdown meaning', async () => {
    const { proc } = await start({})
    proc.child.kill('SIGUSR2')
    expect(await proc.exited).toBe(0)
    expect(proc.output()).not.toContain('memory report')
  })
})
