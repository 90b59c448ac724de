// The services' debug-only memory report (service-kit memory-report.ts: --expose-gc, SIGUSR2, one JSON log
// line after a full GC), read from a process's log.
import type { MemoryReport } from '../../packages/service-kit/src/memory-report.ts'

export type { MemoryReport }

/** Every memory report in a JSON log, in order. */
export function memoryReports (log: string): MemoryReport[] {
  return log.split('\n')
    .filter((line) => line.includes('"msg":"memory report"'))
    .map((line) => (JSON.parse(line) as { memory: MemoryReport }).memory)
}

/** Asks for a report (`signal` sends SIGUSR2) and waits until a new one shows up in `log()`. */
export async function takeMemoryReport (signal: () => void, log: () => string, timeoutMs = 10_000): Promise<MemoryReport> {
  const before = memoryReports(log()).length
  signal()
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const reports = memoryReports(log())
    if (reports.length > before) return reports[reports.length - 1] as MemoryReport
    if (Date.now() > deadline) throw new Error(`no memory report within ${timeoutMs} ms (is the process running with --expose-gc?)`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Sockets and timers the process holds, from process.getActiveResourcesInfo(). */
export function handles (report: MemoryReport): { sockets: number, timers: number } {
  return { sockets: report.resources.TCPSocketWrap ?? 0, timers: report.resources.Timeout ?? 0 }
}

/** What `after` holds beyond `before` (never negative): sockets, timers and descriptors left over. */
export function leftovers (before: MemoryReport, after: MemoryReport): { sockets: number, timers: number, fds: number } {
  const [b, a] = [handles(before), handles(after)]
  return { sockets: Math.max(0, a.sockets - b.sockets), timers: Math.max(0, a.timers - b.timers), fds: Math.max(0, after.fds - before.fds) }
}

/**
 * Takes reports until nothing is left over beyond `baseline` (kept-alive client sockets close after their
 * idle timeout, 5 s at most), or `timeoutMs` passes; returns the leftovers of the last report.
 */
export async function backToBaseline (report: () => Promise<MemoryReport>, baseline: MemoryReport, timeoutMs = 10_000): Promise<{ sockets: number, timers: number, fds: number }> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const left = leftovers(baseline, await report())
    if ((left.sockets === 0 && left.timers === 0 && left.fds === 0) || Date.now() > deadline) return left
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

/** A baseline taken once the process holds no TCP connection (the readiness probe's has closed). */
export async function quietBaseline (report: () => Promise<MemoryReport>, timeoutMs = 10_000): Promise<MemoryReport> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const r = await report()
    if (handles(r).sockets === 0 || Date.now() > deadline) return r
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}
