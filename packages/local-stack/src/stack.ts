import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { DEV_CLIENT_SECRET } from '@bookinfo/dev-idp'
import { startProcess, stopAll, type ManagedProcess } from '@bookinfo/test-helpers'

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** One process of the stack: a workspace package's server.ts with its env, healthy when `healthUrl` answers 200. */
export interface ProcessSpec {
  name: string
  /** The package whose `./server` export runs (Node strips the types). */
  server: string
  env: Record<string, string>
  healthUrl: string
}

export interface StackProcess extends ManagedProcess {
  /** Its /health address. */
  url: string
  logFile: string
}

/** The local target's fixed ports (docs/architecture.md, "Three test targets"). */
export const DEFAULT_PORTS = {
  productpage: 9080,
  details: 9081,
  ratings: 9082,
  'reviews-v1': 9083,
  'reviews-v2': 9084,
  'reviews-v3': 9085,
  idp: 9090,
} as const

export type StackPorts = { -readonly [K in keyof typeof DEFAULT_PORTS]: number }
export type ReviewsVersion = 'v1' | 'v2' | 'v3'

export interface StackOptions {
  /** Which reviews deployment productpage calls (the others run too, for direct calls). */
  reviewsVersion: ReviewsVersion
  logDir: string
  ports?: Partial<StackPorts>
  /** Extra env per process name, e.g. `{ productpage: { FLOOD_FACTOR: '2' } }`. */
  env?: Record<string, Record<string, string>>
  /**
   * Enforce istio/security in every service (default true): the local stack then answers like the mesh.
   * Off gives upstream Bookinfo's open behaviour.
   */
  meshPolicy?: boolean
}

export interface LocalStack {
  productpageUrl: string
  issuer: string
  ports: StackPorts
  /** The running processes; `stopOne`/`startOne` replace an entry. */
  processes: StackProcess[]
  stop: () => Promise<Record<string, number | string>>
  /** Fault injection: stops one process (SIGTERM, or SIGKILL for a crash) and resolves with its exit code. */
  stopOne: (name: string, signal?: NodeJS.Signals) => Promise<number | string>
  /** Starts a stopped process again with the same settings and port; resolves once its /health answers 200. */
  startOne: (name: string) => Promise<StackProcess>
}

const HOST = '127.0.0.1'

function service (name: string, pkg: string, port: number, env: Record<string, string>): ProcessSpec {
  return {
    name,
    server: `@bookinfo/${pkg}/server`,
    env: { HOST, PORT: String(port), ...env },
    healthUrl: `http://${HOST}:${port}/health`,
  }
}

/** Ports with the defaults filled in, and the two browser-facing origins built from them. */
function addresses (opts: StackOptions): { ports: StackPorts, issuer: string, productpageUrl: string } {
  const ports: StackPorts = { ...DEFAULT_PORTS, ...opts.ports }
  return { ports, issuer: `http://localhost:${ports.idp}/`, productpageUrl: `http://localhost:${ports.productpage}` }
}

/** The specs of the seven processes (IdP first); pure, so the wiring is unit-tested. */
export function stackSpecs (opts: StackOptions, peerSecret = randomBytes(32).toString('base64url')): ProcessSpec[] {
  const { ports, issuer, productpageUrl: productpageOrigin } = addresses(opts)
  // Same YAML as the mesh; the peer secret (fresh per run) stands in for mTLS identities (mesh-policy README).
  const policy: Record<string, string> = opts.meshPolicy === false
    ? { MESH_POLICY: 'off' }
    : {
        MESH_POLICY: 'on',
        MESH_POLICY_DIR: join(ROOT, 'istio', 'security'),
        MESH_POLICY_ISSUER: issuer,
        MESH_POLICY_JWKS_URI: `${issuer}.well-known/jwks.json`,
        MESH_PEER_SECRET: peerSecret,
      }
  const extra = (name: string) => ({ ...policy, ...opts.env?.[name] })
  const reviews = (v: ReviewsVersion, enable: boolean, color: string) => service(`reviews-${v}`, 'reviews', ports[`reviews-${v}`], {
    HOSTNAME: `reviews-${v}-local`,
    SERVICE_VERSION: v,
    ENABLE_RATINGS: String(enable),
    STAR_COLOR: color,
    RATINGS_HOSTNAME: HOST,
    RATINGS_SERVICE_PORT: String(ports.ratings),
    ...extra(`reviews-${v}`),
  })
  return [
    {
      name: 'idp',
      server: '@bookinfo/dev-idp/server',
      env: {
        IDP_HOST: HOST,
        IDP_PORT: String(ports.idp),
        IDP_ISSUER: issuer,
        IDP_DEV_CLIENT_SECRET: DEV_CLIENT_SECRET,
        IDP_REDIRECT_URIS: `${productpageOrigin}/callback`,
        IDP_POST_LOGOUT_URIS: `${productpageOrigin}/productpage`,
        ...opts.env?.idp,
      },
      healthUrl: `http://${HOST}:${ports.idp}/health`,
    },
    service('details', 'details', ports.details, { ...extra('details') }),
    service('ratings', 'ratings', ports.ratings, { ...extra('ratings') }),
    reviews('v1', false, 'black'),
    reviews('v2', true, 'black'),
    reviews('v3', true, 'red'),
    service('productpage', 'productpage', ports.productpage, {
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: 'bookinfo-productpage',
      OIDC_CLIENT_SECRET: DEV_CLIENT_SECRET,
      OIDC_CALLBACK_URL: `${productpageOrigin}/callback`,
      DETAILS_HOSTNAME: HOST,
      DETAILS_SERVICE_PORT: String(ports.details),
      REVIEWS_HOSTNAME: HOST,
      REVIEWS_SERVICE_PORT: String(ports[`reviews-${opts.reviewsVersion}`]),
      RATINGS_HOSTNAME: HOST,
      RATINGS_SERVICE_PORT: String(ports.ratings),
      ...extra('productpage'),
    }),
  ]
}

/** Starts one process, its output in `<logDir>/<name>.log`, and waits until its /health answers 200. */
async function start (spec: ProcessSpec, logDir: string, logFlags: 'w' | 'a' = 'w'): Promise<StackProcess> {
  const logFile = join(logDir, `${spec.name}.log`)
  const proc = await startProcess(process.execPath, [fileURLToPath(import.meta.resolve(spec.server))], {
    name: spec.name,
    env: { LOG_FORMAT: 'json', ...spec.env },
    readyUrl: spec.healthUrl,
    readyStatus: 200,
    timeoutMs: 30_000,
    logFile,
    logFlags,
  })
  return Object.assign(proc, { url: spec.healthUrl, logFile })
}

/** Starts every service as a real process on loopback and waits until all are healthy. */
export async function startLocalStack (opts: StackOptions): Promise<LocalStack> {
  const [idpSpec, ...serviceSpecs] = stackSpecs(opts)
  const processes: StackProcess[] = []
  const keep = (p: StackProcess) => { processes.push(p); return p }
  try {
    // The IdP first: productpage reads its discovery document and the policy its JWKS.
    keep(await start(idpSpec as ProcessSpec, opts.logDir))
    const started = await Promise.allSettled(serviceSpecs.map(async (spec) => keep(await start(spec, opts.logDir))))
    const failed = started.find((r) => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  } catch (err) {
    await stopAll(processes)
    throw err
  }
  const specs = new Map([idpSpec as ProcessSpec, ...serviceSpecs].map((spec) => [spec.name, spec]))
  const find = (name: string): StackProcess => {
    const proc = processes.find((p) => p.name === name)
    if (proc === undefined) throw new Error(`no running process ${name} (running: ${processes.map((p) => p.name).join(', ')})`)
    return proc
  }
  return {
    ...addresses(opts),
    processes,
    stop: () => stopAll(processes),
    stopOne: async (name, signal = 'SIGTERM') => {
      const proc = find(name)
      const code = await proc.stop(signal)
      processes.splice(processes.indexOf(proc), 1)
      return code
    },
    startOne: async (name) => {
      const spec = specs.get(name)
      if (spec === undefined) throw new Error(`no process ${name} in this stack`)
      if (processes.some((p) => p.name === name)) throw new Error(`${name} is already running`)
      // A restart appends to the same log, so one file holds the process's whole history.
      return keep(await start(spec, opts.logDir, 'a'))
    },
  }
}
