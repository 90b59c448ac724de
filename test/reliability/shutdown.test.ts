// SIGTERM to each service of the local stack under load, one at a time: kept-alive clients send requests
// back to back to its own route until a balancer would have taken it out (its readiness probe answered 503),
// and no request fails; readiness turns false before the listener closes; the process exits 0 within
// SHUTDOWN_GRACE_MS. Then it starts again and the next one goes.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getFreePort } from '@bookinfo/test-helpers'
import { drainProblems, startDrainWatch } from '@bookinfo/test-helpers/drain-watch'
import { DEFAULT_PORTS, startLocalStack, type LocalStack, type StackPorts } from '../../packages/local-stack/src/index.ts'

const DELAY_MS = 1500
const GRACE_MS = 8000
const SHUTDOWN = { SHUTDOWN_DELAY_MS: String(DELAY_MS), SHUTDOWN_GRACE_MS: String(GRACE_MS) }

// Each service and the route its clients load. The policy is off here: this is about the listener, and
// direct calls would otherwise need tokens and peer identities.
const ROUTES: Array<[keyof StackPorts, string]> = [
  ['details', '/details/0'],
  ['ratings', '/ratings/0'],
  ['reviews-v1', '/reviews/0'],
  ['reviews-v2', '/reviews/0'],
  ['reviews-v3', '/reviews/0'],
  ['productpage', '/productpage'],
]

let stack: LocalStack

beforeAll(async () => {
  const names = Object.keys(DEFAULT_PORTS) as Array<keyof StackPorts>
  const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await getFreePort()]))) as StackPorts
  stack = await startLocalStack({
    reviewsVersion: 'v3',
    logDir: join(mkdtempSync(join(tmpdir(), 'bookinfo-shutdown-')), 'logs'),
    ports,
    meshPolicy: false,
    env: Object.fromEntries(ROUTES.map(([name]) => [name, SHUTDOWN])),
  })
}, 90_000)

afterAll(async () => { await stack?.stop() })

describe(`SIGTERM under load, local stack (SHUTDOWN_DELAY_MS=${DELAY_MS}, SHUTDOWN_GRACE_MS=${GRACE_MS})`, () => {
  it.each(ROUTES)('%s: readiness false first, no request fails, exit 0 in time', async (name, path) => {
    const base = `http://127.0.0.1:${stack.ports[name]}`
    const watch = startDrainWatch({ healthUrl: `${base}/health`, url: `${base}${path}` })
    await sleep(800)
    const sigterm = watch.now()
    const code = await stack.stopOne(name)
    const exitedAfter = watch.now() - sigterm
    // Long enough for the probe to find the port closed.
    await sleep(300)
    const result = await watch.stop()
    await stack.startOne(name)

    console.log(`SIGTERM ${name}: ${result.samples.length} requests, exit ${code} after ${Math.round(exitedAfter)} ms`)
    expect(code).toBe(0)
    expect(exitedAfter).toBeLessThan(GRACE_MS)
    expect(drainProblems(result, sigterm)).toEqual([])
  }, 30_000)
})
