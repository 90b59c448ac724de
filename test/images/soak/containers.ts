// The compose stack's containers as the soak and fault tests measure them: each Node service's debug memory
// report (SIGUSR2 with --expose-gc, read from its log), its memory as Docker accounts it against the limit,
// and whether it was OOM-killed or restarted.
import { docker } from '../stack.ts'
import { memoryReports, type MemoryReport } from '../../reliability/memory.ts'

export interface StackContainer {
  id: string
  /** `productpage`, `productpage-2`, `details`... (compose service, with the replica number after the first). */
  name: string
  service: string
}

export interface ContainerState {
  running: boolean
  oomKilled: boolean
  restarts: number
  startedAt: string
  exitCode: number
}

/** The running containers of a compose project, named by service (and replica). */
export function stackContainers (project: string): StackContainer[] {
  const lines = docker('ps', '--filter', `label=com.docker.compose.project=${project}`,
    '--format', '{{.ID}} {{.Label "com.docker.compose.service"}} {{.Label "com.docker.compose.container-number"}}')
  return lines.split('\n').filter((l) => l.trim() !== '').map((line) => {
    const [id = '', service = '', number = '1'] = line.trim().split(' ')
    return { id, service, name: number === '1' ? service : `${service}-${number}` }
  }).sort((a, b) => a.name.localeCompare(b.name))
}

/** The Node services (every container with the memory report): not Redis, the ingress or the IdP. */
export const isNodeService = (c: StackContainer): boolean => !['redis', 'ingress', 'idp'].includes(c.service)

export function containerState (id: string): ContainerState {
  const out = docker('inspect', '-f', '{{.State.Running}} {{.State.OOMKilled}} {{.RestartCount}} {{.State.StartedAt}} {{.State.ExitCode}}', id)
  const [running, oom, restarts, startedAt = '', exitCode] = out.split(' ')
  return { running: running === 'true', oomKilled: oom === 'true', restarts: Number(restarts), startedAt, exitCode: Number(exitCode) }
}

/** Each container's memory as `docker stats` shows it (the cgroup's usage less page cache), in bytes. */
export function containerMemory (): Record<string, number> {
  const units: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, kB: 1000, MB: 1000 ** 2, GB: 1000 ** 3 }
  const out: Record<string, number> = {}
  for (const line of docker('stats', '--no-stream', '--format', '{{.ID}} {{.MemUsage}}').split('\n')) {
    const m = /^(\w+) ([\d.]+)([A-Za-z]+) \//.exec(line.trim())
    if (m?.[1] !== undefined && m[2] !== undefined && m[3] !== undefined) out[m[1]] = Number(m[2]) * (units[m[3]] ?? 1)
  }
  return out
}

/** Asks every container for its memory report at once and waits until each has logged a new one. */
export async function takeReports (containers: StackContainer[], timeoutMs = 15_000): Promise<Record<string, MemoryReport>> {
  const since = new Date(Date.now() - 1000).toISOString()
  for (const c of containers) docker('kill', '-s', 'USR2', c.id)
  const deadline = Date.now() + timeoutMs
  const out: Record<string, MemoryReport> = {}
  for (const c of containers) {
    for (;;) {
      const report = memoryReports(docker('logs', '--since', since, c.id)).at(-1)
      if (report !== undefined) {
        out[c.name] = report
        break
      }
      if (Date.now() > deadline) throw new Error(`${c.name}: no memory report within ${timeoutMs} ms (does the stack run with BOOKINFO_NODE_DEBUG_OPTIONS=--expose-gc?)`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
  return out
}
