import { readdirSync } from 'node:fs'
import { getHeapStatistics } from 'node:v8'
import type { FastifyInstance } from 'fastify'

/** The signal that asks for a report (close-with-grace must then leave it alone). */
export const MEMORY_REPORT_SIGNAL = 'SIGUSR2' as const

export interface MemoryReport {
  rssBytes: number
  /** After a full, synchronous garbage collection. */
  heapUsedBytes: number
  heapTotalBytes: number
  /** The old-generation ceiling V8 chose (from the cgroup's limit, or --max-old-space-size). */
  heapLimitBytes: number
  externalBytes: number
  /** The cgroup's memory limit as Node sees it (0: none). */
  constrainedMemoryBytes: number
  /** Open file descriptors (sockets, pipes, files), -1 without /proc. */
  fds: number
  /** process.getActiveResourcesInfo() by type: sockets, servers, timers... */
  resources: Record<string, number>
}

function openFds (): number {
  try {
    // The listing itself holds one descriptor for the directory.
    return readdirSync('/proc/self/fd').length - 1
  } catch {
    return -1
  }
}

/** Runs a full GC, then measures. */
export function memoryReport (gc: () => void): MemoryReport {
  gc()
  const m = process.memoryUsage()
  const resources: Record<string, number> = {}
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1
  return {
    rssBytes: m.rss,
    heapUsedBytes: m.heapUsed,
    heapTotalBytes: m.heapTotal,
    heapLimitBytes: getHeapStatistics().heap_size_limit,
    externalBytes: m.external,
    constrainedMemoryBytes: process.constrainedMemory(),
    fds: openFds(),
    resources,
  }
}

/**
 * Debug only, for soak and fault tests: when Node runs with `--expose-gc` (never set by the images, compose
 * or k8s by default), SIGUSR2 runs a full GC and logs one `memory report` line. Without the flag nothing is
 * installed and SIGUSR2 keeps its shutdown meaning. Returns whether it was installed.
 */
export function installMemoryReport (app: FastifyInstance): boolean {
  const gc = (globalThis as { gc?: () => void }).gc
  if (typeof gc !== 'function') return false
  process.on(MEMORY_REPORT_SIGNAL, () => {
    app.log.warn({ memory: memoryReport(gc) }, 'memory report')
  })
  return true
}
