// A rolling restart of productpage's two replicas behind the compose ingress (HAProxy, health checks on
// /health every second), as `kubectl rollout restart` would do it: one replica at a time gets SIGTERM
// (`docker stop`), drains (readiness 503 while still serving, then closes, exit 0), starts again and is
// healthy before the next one goes. Signed-in users load the page all along: no request fails and nobody is
// signed out, since both replicas keep sessions in the one Redis.
import { setTimeout as sleep } from 'node:timers/promises'
import { Agent } from 'undici'
import { describe, expect, it } from 'vitest'
import { countBy, startSteadyLoad } from '../../packages/test-helpers/src/steady-load.ts'
import { pageClients, pageKind, signIn, type Persona } from '../reliability/pages.ts'
import { containerState, stackContainers } from './soak/containers.ts'
import { baseUrl, docker, eventually } from './stack.ts'

const project = () => process.env.COMPOSE_PROJECT_NAME ?? 'bookinfo-test'
const health = (id: string) => docker('inspect', '-f', '{{.State.Health.Status}}', id)

describe('rolling restart of productpage (2 replicas, sessions in Redis)', () => {
  it('fails no request and signs nobody out while each replica in turn drains, stops and comes back', async () => {
    const url = baseUrl()
    const replicas = stackContainers(project()).filter((c) => c.service === 'productpage')
    expect(replicas.map((r) => r.name), 'scripts/test-compose.sh runs --scale productpage=2').toEqual(['productpage', 'productpage-2'])
    const personas: Persona[] = await Promise.all((['user', 'moderator', 'moderator', 'anonymous'] as const).map((n) => signIn(url, n)))
    const clients = new Agent({ keepAliveTimeout: 4000 })
    const load = startSteadyLoad({ clients: pageClients(url, personas), classify: pageKind, pauseMs: 20, dispatcher: clients })
    const restarts: Record<string, { exit: number, stopMs: number }> = {}

    for (const replica of replicas) {
      await sleep(2000)
      const t = Date.now()
      docker('stop', '-t', '15', replica.id)
      restarts[replica.name] = { exit: containerState(replica.id).exitCode, stopMs: Date.now() - t }
      docker('start', replica.id)
      await eventually(`${replica.name} healthy again`, async () => health(replica.id) === 'healthy', 60_000)
      // The ingress takes it back after two good checks (1 s apart).
      await sleep(2500)
    }
    await sleep(2000)
    const samples = await load.stop()
    await clients.close()

    const kinds = countBy(samples, (s) => `${s.client} ${s.status ?? s.error} ${s.kind ?? ''}`)
    console.log(`rolling restart: ${samples.length} requests ${JSON.stringify(kinds)}; ${JSON.stringify(restarts)}`)
    // Each replica drained and exited 0 well within the grace period (docker stop would SIGKILL after 15 s: 137).
    for (const r of replicas) expect(restarts[r.name]?.exit, r.name).toBe(0)
    // Every request answered 200; signed-in users stayed signed in on whichever replica answered.
    expect(samples.filter((s) => s.status !== 200)).toEqual([])
    for (const s of samples) {
      if (s.client === 'anonymous') expect(s.kind).toBe('out')
      else expect(s.kind, `${s.client} at ${Math.round(s.at)} ms`).toMatch(/^in\+details/)
    }
    expect(samples.length).toBeGreaterThan(100)
  }, 180_000)
})
