// Soak of the compose stack under the memory limits we ship (docker-compose.yaml mem_limit = k8s/base limits):
// SOAK_REQUESTS page requests (anonymous, user and moderator in turn, through the ingress to both productpage
// replicas) with Debian's wrk, in windows; after the warm-up and after every window each Node service runs a
// full GC and reports (service-kit memory-report.ts, on because the stack runs with --expose-gc here).
// Pass: every answer is the persona's page, in every window; no container OOM-killed or restarted; RSS grows
// less than 15% after the warm-up; heap used after a full GC does not grow; descriptors and sockets come back
// to their baseline once the load stops. Figures go to .run/compose/soak-figures.json (the README's table).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { handles, type MemoryReport } from '../reliability/memory.ts'
import { signIn } from '../reliability/pages.ts'
import { containerMemory, containerState, isNodeService, stackContainers, takeReports, type ContainerState } from './soak/containers.ts'
import { failures, runWrk, type WrkResult } from './soak/wrk.ts'
import { baseUrl, logDir } from './stack.ts'

// The defaults are CI's size (a few minutes even on a busy 2-core machine); the README's figures come from
// SOAK_REQUESTS=200000 (README, "Faults, shutdown and memory").
const REQUESTS = Number(process.env.SOAK_REQUESTS ?? 10_000)
const MAX_SECONDS = Number(process.env.SOAK_MAX_SECONDS ?? 360)
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 16)
const WINDOWS = 5
const WARMUP_SECONDS = 20
// RSS is compared from the first window that ends past this share of the requests: in the 200,000 run,
// native memory (JIT code, allocator arenas) still rose over the first ~40,000 at a flat heap, then held.
const SETTLED_SHARE = 0.2
// Kept-alive connections (HAProxy's to productpage, 5 s idle) close before the baseline and the final report.
const QUIET_MS = 7000
const MiB = 1024 * 1024
const mib = (bytes: number) => Math.round(bytes / MiB * 10) / 10

interface Window {
  result: WrkResult
  reports: Record<string, MemoryReport>
  memory: Record<string, number>
}

function reportOf (reports: Record<string, MemoryReport>, name: string): MemoryReport {
  const report = reports[name]
  if (report === undefined) throw new Error(`no memory report from ${name}`)
  return report
}

function progress (line: string): void {
  console.log(`soak: ${line}`)
}

describe('soak under the shipped memory limits', () => {
  it(`${REQUESTS} page requests: no failure, no OOM or restart, RSS +<15%, heap flat, fds and sockets back`, async () => {
    const project = process.env.COMPOSE_PROJECT_NAME ?? 'bookinfo-test'
    const url = `${baseUrl()}/productpage`
    const dir = join(logDir(), '..')
    const cookiesFile = join(dir, 'soak-cookies.txt')
    const personas = await Promise.all((['anonymous', 'user', 'moderator'] as const).map((n) => signIn(baseUrl(), n)))
    mkdirSync(dir, { recursive: true })
    writeFileSync(cookiesFile, `${personas.map((p) => p.cookie).join('\n')}\n`, { mode: 0o600 })

    const containers = stackContainers(project)
    const node = containers.filter(isNodeService)
    const stateBefore: Record<string, ContainerState> = Object.fromEntries(containers.map((c) => [c.name, containerState(c.id)]))
    const byId = (memory: Record<string, number>) => Object.fromEntries(containers.map((c) => [c.name, memory[c.id] ?? 0]))
    const started = Date.now()
    const elapsed = () => Math.round((Date.now() - started) / 1000)

    try {
      const warmup = await runWrk({ url, cookiesFile, seconds: WARMUP_SECONDS, connections: CONNECTIONS })
      const rate = warmup.requests / WARMUP_SECONDS
      progress(`warm-up ${warmup.requests} requests in ${WARMUP_SECONDS} s (${rate.toFixed(0)}/s), ${failures(warmup)} failures`)
      await sleep(QUIET_MS)
      const baseline = await takeReports(node)
      const memoryBefore = byId(containerMemory())

      const windows: Window[] = []
      let sent = warmup.requests
      const windowSeconds = Math.min(120, Math.max(5, Math.ceil((REQUESTS - sent) / rate / WINDOWS)))
      while (sent < REQUESTS && elapsed() + windowSeconds < MAX_SECONDS) {
        // The last window only as long as the rest needs (at the warm-up's rate).
        const seconds = Math.min(windowSeconds, Math.max(5, Math.ceil((REQUESTS - sent) / rate) + 2))
        const result = await runWrk({ url, cookiesFile, seconds, connections: CONNECTIONS })
        sent += result.requests
        const reports = await takeReports(node)
        windows.push({ result, reports, memory: byId(containerMemory()) })
        const pp = reports.productpage
        progress(`window ${windows.length}: ${result.requests} requests (${sent}/${REQUESTS}, ${elapsed()} s), ${failures(result)} failures, ` +
          `p99 ${Math.round(result.latencyP99Us / 1000)} ms; productpage RSS ${mib(pp?.rssBytes ?? 0)} MiB, heap after GC ${mib(pp?.heapUsedBytes ?? 0)} MiB`)
      }
      await sleep(QUIET_MS)
      const final = await takeReports(node)
      const stateAfter: Record<string, ContainerState> = Object.fromEntries(containers.map((c) => [c.name, containerState(c.id)]))
      // The reference window: the first after SETTLED_SHARE of the requests (the first window in a short soak).
      let counted = warmup.requests
      const first = windows.find((w) => (counted += w.result.requests) >= REQUESTS * SETTLED_SHARE) ?? windows[0]
      const last = windows.at(-1)
      if (first === undefined || last === undefined) throw new Error(`no window ran within SOAK_MAX_SECONDS=${MAX_SECONDS}`)

      const perService = Object.fromEntries(node.map((c) => {
        const [b, f, l, end] = [baseline, first.reports, last.reports, final].map((r) => reportOf(r, c.name)) as [MemoryReport, MemoryReport, MemoryReport, MemoryReport]
        return [c.name, {
          rssMiB: { baseline: mib(b.rssBytes), settledWindow: mib(f.rssBytes), lastWindow: mib(l.rssBytes) },
          containerMiB: { beforeLoad: mib(memoryBefore[c.name] ?? 0), settledWindow: mib(first.memory[c.name] ?? 0), lastWindow: mib(last.memory[c.name] ?? 0) },
          heapAfterGcMiB: { baseline: mib(b.heapUsedBytes), lastWindow: mib(l.heapUsedBytes), final: mib(end.heapUsedBytes) },
          heapLimitMiB: mib(b.heapLimitBytes),
          fds: { baseline: b.fds, final: end.fds },
          sockets: { baseline: handles(b).sockets, final: handles(end).sockets },
        }]
      }))
      const others = Object.fromEntries(containers.filter((c) => !isNodeService(c)).map((c) => [c.name, { containerMiB: { beforeLoad: mib(memoryBefore[c.name] ?? 0), lastWindow: mib(last.memory[c.name] ?? 0) } }]))
      const summary = {
        requests: sent,
        settledWindow: windows.indexOf(first) + 1,
        target: REQUESTS,
        seconds: elapsed(),
        connections: CONNECTIONS,
        windows: windows.map((w) => ({ requests: w.result.requests, failures: failures(w.result), p99Ms: Math.round(w.result.latencyP99Us / 1000), maxMs: Math.round(w.result.latencyMaxUs / 1000) })),
        warmup: { requests: warmup.requests, failures: failures(warmup) },
        services: perService,
        others,
        states: stateAfter,
      }
      writeFileSync(join(dir, 'soak-figures.json'), `${JSON.stringify(summary, null, 2)}\n`)
      progress(`${sent} requests in ${elapsed()} s; figures in ${join(dir, 'soak-figures.json')}`)

      // Every answer in every window was the persona's page (no error count to drift).
      expect([failures(warmup), ...windows.map((w) => failures(w.result))]).toEqual(Array(windows.length + 1).fill(0))
      // Nothing was OOM-killed or restarted.
      for (const c of containers) {
        expect(stateAfter[c.name], c.name).toEqual({ ...stateBefore[c.name], running: true, oomKilled: false, restarts: 0 })
      }
      for (const c of node) {
        const [b, f, l, end] = [baseline, first.reports, last.reports, final].map((r) => reportOf(r, c.name)) as [MemoryReport, MemoryReport, MemoryReport, MemoryReport]
        // RSS after the warm-up grows less than 15% (settled window to last), as the process and as the cgroup sees it.
        expect(l.rssBytes / f.rssBytes, `${c.name} RSS growth`).toBeLessThan(1.15)
        expect((last.memory[c.name] ?? 0) / (first.memory[c.name] ?? 1), `${c.name} container memory growth`).toBeLessThan(1.15)
        // Heap used after a full GC does not grow: within 2 MiB of its baseline (JIT and caches settle).
        expect(end.heapUsedBytes - b.heapUsedBytes, `${c.name} heap growth after GC`).toBeLessThan(2 * MiB)
        // Descriptors and sockets are back where they were once the load has stopped.
        expect(end.fds, `${c.name} fds`).toBeLessThanOrEqual(b.fds)
        expect(handles(end).sockets, `${c.name} sockets`).toBeLessThanOrEqual(handles(b).sockets)
      }
      // Within its time bound: else lower SOAK_REQUESTS or raise SOAK_MAX_SECONDS for this machine.
      expect(sent, `requests within SOAK_MAX_SECONDS=${MAX_SECONDS} at ${rate.toFixed(0)}/s`).toBeGreaterThanOrEqual(REQUESTS)
    } finally {
      rmSync(cookiesFile, { force: true })
    }
  }, (MAX_SECONDS + 180) * 1000)
})
