import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { spawnLogged, stopAll, waitHealthy, type ProcessSpec, type StackProcess } from './processes.ts'

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** The local target's fixed ports (DESIGN.md, "The three test targets"). */
export const DEFAULT_PORTS = {
  productpage: 9080,
  details: 9081,
  ratings: 9082,
  'reviews-v1': 9083,
  'reviews-v2': 9084,
  'reviews-v3': 9085,
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
}

export interface LocalStack {
  productpageUrl: string
  ports: StackPorts
  processes: StackProcess[]
  stop: () => Promise<Record<string, number | string>>
}

const HOST = '127.0.0.1'

function service (name: string, dir: string, port: number, env: Record<string, string>): ProcessSpec {
  return {
    name,
    script: join(ROOT, 'services', dir, 'src', 'server.ts'),
    env: { HOST, PORT: String(port), ...env },
    healthUrl: `http://${HOST}:${port}/health`,
  }
}

/** The specs of the six processes; pure, so the wiring is unit-tested. */
export function stackSpecs (opts: StackOptions): ProcessSpec[] {
  const ports: StackPorts = { ...DEFAULT_PORTS, ...opts.ports }
  const extra = (name: string) => opts.env?.[name] ?? {}
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
    service('details', 'details', ports.details, { ...extra('details') }),
    service('ratings', 'ratings', ports.ratings, { ...extra('ratings') }),
    reviews('v1', false, 'black'),
    reviews('v2', true, 'black'),
    reviews('v3', true, 'red'),
    service('productpage', 'productpage', ports.productpage, {
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

/** Starts every service as a real process on loopback and waits until all are healthy. */
export async function startLocalStack (opts: StackOptions): Promise<LocalStack> {
  const ports: StackPorts = { ...DEFAULT_PORTS, ...opts.ports }
  const processes = stackSpecs(opts).map((spec) => spawnLogged(spec, opts.logDir))
  try {
    await Promise.all(processes.map((p) => waitHealthy(p)))
  } catch (err) {
    await stopAll(processes)
    throw err
  }
  return {
    productpageUrl: `http://localhost:${ports.productpage}`,
    ports,
    processes,
    stop: () => stopAll(processes),
  }
}
