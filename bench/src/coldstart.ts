import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { getFreePort } from '@bookinfo/test-helpers'
import { entryFor, type EntryChoice } from './entries.ts'
import { BENCH_DIR } from './fleet.ts'
import { HOST, startServer, type ServerSpec } from './servers.ts'
import { spread, type Spread } from './stats.ts'

export interface ColdStart {
  name: string
  kind: string
  startMs: Spread
  /** CPU time the process had used when /health first answered: moves far less with other load than wall time. */
  cpuMs: Spread
  rssMiB: Spread
}

export interface ColdStartOptions {
  root: string
  entry: EntryChoice
  logDir: string
  repeats: number
  /** How long a started process idles before its RSS is read. */
  settleMs: number
  log: (line: string) => void
}

const SERVICES = ['details', 'ratings', 'reviews', 'productpage'] as const

/**
 * Spawn to first `/health` 200, and resident memory once idle, for each service and for a bare node:http
 * server started the same way (`node <file>`), in rotating order, one process at a time.
 */
export async function coldStarts (opts: ColdStartOptions): Promise<ColdStart[]> {
  const make: Array<() => Promise<ServerSpec>> = [
    async () => {
      const port = await getFreePort()
      return { name: 'bare', command: process.execPath, args: [join(BENCH_DIR, 'baselines', 'bare-json.js')], env: { HOST, PORT: String(port) }, port, kind: 'bare' }
    },
    ...SERVICES.map((service) => async () => {
      const entry = entryFor(opts.root, `services/${service}`, opts.entry)
      const port = await getFreePort()
      return { name: service, command: process.execPath, args: [entry.script], env: { HOST, PORT: String(port) }, port, kind: entry.kind }
    }),
  ]
  const runs = new Map<string, { kind: string, start: number[], cpu: number[], rss: number[] }>()
  for (let i = 0; i < opts.repeats; i++) {
    // Rotate who goes first, so disk cache and CPU frequency favour nobody.
    const order = [...make.slice(i % make.length), ...make.slice(0, i % make.length)]
    for (const spec of order) {
      const s = await spec()
      const server = await startServer(s, opts.logDir, 30_000)
      const cpuMs = server.cpuMs()
      await sleep(opts.settleMs)
      const rss = server.rssMiB()
      await server.stop()
      const entry = runs.get(s.name) ?? { kind: s.kind, start: [], cpu: [], rss: [] }
      entry.start.push(server.startMs)
      entry.cpu.push(cpuMs)
      entry.rss.push(rss)
      runs.set(s.name, entry)
      opts.log(`  [${i + 1}/${opts.repeats}] ${s.name.padEnd(12)} ${s.kind.padEnd(8)} start ${Math.round(server.startMs).toString().padStart(5)} ms (CPU ${Math.round(cpuMs).toString().padStart(4)} ms)  idle RSS ${rss.toFixed(0).padStart(4)} MiB`)
    }
  }
  return [...runs.entries()].map(([name, r]) => ({ name, kind: r.kind, startMs: spread(r.start), cpuMs: spread(r.cpu), rssMiB: spread(r.rss) }))
}
