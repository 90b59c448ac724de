// Starting our images under the restrictions Kubernetes applies (read-only root, no capabilities, no
// privilege escalation), and stopping them the way Docker does (SIGTERM, then SIGKILL after a timeout).
import { request } from 'node:http'
import { GenericContainer, Network, Wait, getContainerRuntimeClient, type StartedNetwork, type StartedTestContainer } from 'testcontainers'

export const PREFIX = process.env.IMAGE_PREFIX ?? 'bookinfo-ts'
export const TAG = process.env.TAG ?? 'dev'
export const image = (name: string): string => `${PREFIX}/${name}:${TAG}`

/** GenericContainer has no switch for a read-only root filesystem; Docker's HostConfig does. */
class RestrictedContainer extends GenericContainer {
  withReadOnlyRoot (): this {
    this.hostConfig.ReadonlyRootfs = true
    return this
  }
}

export interface StartOptions {
  port: number
  env?: Record<string, string>
  network?: StartedNetwork
  aliases?: string[]
  command?: string[]
  /** Wait for GET /health = 200 (default) or only for the port. */
  waitFor?: 'health' | 'port'
}

export async function startImage (name: string, opts: StartOptions): Promise<StartedTestContainer> {
  let container = new RestrictedContainer(image(name))
    .withReadOnlyRoot()
    .withDroppedCapabilities('ALL')
    .withSecurityOpt('no-new-privileges:true')
    .withExposedPorts(opts.port)
    .withEnvironment(opts.env ?? {})
    .withWaitStrategy(opts.waitFor === 'port' ? Wait.forListeningPorts() : Wait.forHttp('/health', opts.port).forStatusCode(200))
    .withStartupTimeout(30_000)
  if (opts.network) container = container.withNetwork(opts.network).withNetworkAliases(...(opts.aliases ?? []))
  if (opts.command) container = container.withCommand(opts.command)
  return container.start()
}

export async function startNetwork (): Promise<StartedNetwork> {
  return new Network().start()
}

/** Sends SIGTERM (Docker's stop, SIGKILL after `graceMs`) and returns the exit code and how long it took. */
export async function stopAndInspect (container: StartedTestContainer, graceMs: number): Promise<{ exitCode: number, ms: number }> {
  const started = performance.now()
  await container.stop({ timeout: graceMs, remove: false })
  const ms = performance.now() - started
  const client = await getContainerRuntimeClient()
  const handle = client.container.getById(container.getId())
  const info = await client.container.inspect(handle)
  await client.container.remove(handle, { removeVolumes: true })
  return { exitCode: info.State.ExitCode, ms }
}

export interface Answer { status: number, body: string }

/**
 * A request whose body is sent in two parts: the server has the request in hand (headers, half the body)
 * until `finish()` sends the rest. Without a body, the request is sent whole at once.
 */
export function twoPartRequest (port: number, path: string, opts: { method?: string, type?: string, body?: string } = {}): { answer: Promise<Answer>, finish: () => void } {
  const body = opts.body ?? ''
  const half = Math.floor(body.length / 2)
  const headers = body === '' ? {} : { 'content-type': opts.type ?? 'application/json', 'content-length': String(Buffer.byteLength(body)) }
  let finish = () => {}
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers, agent: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      res.on('error', reject)
    })
    req.on('error', reject)
    if (body === '') {
      req.end()
    } else {
      req.write(body.slice(0, half))
      finish = () => { req.end(body.slice(half)) }
    }
  })
  return { answer, finish: () => finish() }
}

/** The numeric uid and gid PID 1 runs as (from /proc, so nothing but cat is needed in the image). */
export async function pid1Ids (container: StartedTestContainer): Promise<{ uid: string, gid: string }> {
  const { output } = await container.exec(['cat', '/proc/1/status'])
  const field = (name: string) => new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(output)?.[1] ?? 'none'
  return { uid: field('Uid'), gid: field('Gid') }
}
