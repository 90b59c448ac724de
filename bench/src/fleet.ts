import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stackSpecs, type StackPorts } from '@bookinfo/local-stack'
import { getFreePort } from '@bookinfo/test-helpers'
import { entryFor, type Entry, type EntryChoice } from './entries.ts'
import { HOST, startServer, type RunningServer, type ServerSpec } from './servers.ts'

export const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url))
const BASELINES = join(BENCH_DIR, 'baselines')

export type Group = 'details' | 'ratings' | 'reviews' | 'page'

export interface FleetOptions {
  root: string
  logDir: string
  entry: EntryChoice
  groups: ReadonlySet<Group>
  /** istio's `samples/bookinfo/src` (or a copy): upstream's details.rb and ratings.js run beside ours. */
  upstreamSrc?: string | undefined
  log: (line: string) => void
}

/** What the OIDC stack needs to hand out tokens (the bundled IdP and productpage's client). */
export interface StackInfo {
  issuer: string
  productpageUrl: string
  clientId: string
  clientSecret: string
  redirectUri: string
  peerSecret: string
}

export interface Fleet {
  servers: Map<string, RunningServer>
  /** Package folder → what ran for it (build or sources). */
  entries: Map<string, Entry>
  stack: StackInfo
  get: (name: string) => RunningServer
  /** Starts one more server (flood factor variants) and adds it to the fleet. */
  start: (spec: ServerSpec) => Promise<RunningServer>
}

type Recipe = [name: string, groups: Group[], spec: () => Promise<ServerSpec | undefined>]

/**
 * Starts every server the selected groups measure, one after the other (their start-up times are then
 * not disturbed by each other): our services without and with the policy (the dev.sh stack with the
 * bundled IdP), the bare node:http baselines fed with our services' exact bytes, and upstream's services
 * when a checkout is given.
 */
/** The folder of a stack spec's package (`@bookinfo/details/server` → services/details). */
function packageDir (server: string): string {
  const pkg = server.replace(/^@bookinfo\//, '').replace(/\/server$/, '')
  return pkg === 'dev-idp' ? 'dev/idp' : `services/${pkg}`
}

export async function startFleet (opts: FleetOptions): Promise<Fleet> {
  const servers = new Map<string, RunningServer>()
  const entries = new Map<string, Entry>()
  const get = (name: string): RunningServer => {
    const server = servers.get(name)
    if (server === undefined) throw new Error(`server ${name} is not running`)
    return server
  }
  const body = async (name: string, path: string): Promise<string> => (await fetch(`${get(name).origin}${path}`)).text()
  const origin = (name: string) => get(name).origin

  const node = async (name: string, pkgDir: string, env: Record<string, string>): Promise<ServerSpec> => {
    const entry = entryFor(opts.root, pkgDir, opts.entry)
    entries.set(pkgDir, entry)
    // The stack's specs carry their own port (the IdP's is IDP_PORT); the others get a free one.
    const port = Number(env.PORT ?? env.IDP_PORT ?? await getFreePort())
    return { name, command: process.execPath, args: [entry.script], env: { HOST, PORT: String(port), ...env }, port, kind: entry.kind }
  }
  const baseline = async (name: string, file: string, env: Record<string, string>): Promise<ServerSpec> => {
    const port = await getFreePort()
    return { name, command: process.execPath, args: [join(BASELINES, file)], env: { HOST, PORT: String(port), ...env }, port, kind: 'bare' }
  }
  const backendsOf = (details: string, reviews: string, ratings: string): Record<string, string> => ({
    DETAILS_HOSTNAME: HOST,
    DETAILS_SERVICE_PORT: String(get(details).spec.port),
    REVIEWS_HOSTNAME: HOST,
    REVIEWS_SERVICE_PORT: String(get(reviews).spec.port),
    RATINGS_HOSTNAME: HOST,
    RATINGS_SERVICE_PORT: String(get(ratings).spec.port),
  })
  const reviews = (version: 'v1' | 'v3', extra: Record<string, string> = {}) => ({
    SERVICE_VERSION: version,
    HOSTNAME: `reviews-${version}-bench`,
    ...(version === 'v3' ? { ENABLE_RATINGS: 'true', STAR_COLOR: 'red', RATINGS_HOSTNAME: HOST, RATINGS_SERVICE_PORT: String(get('ratings').spec.port) } : {}),
    ...extra,
  })
  const warn = { LOG_LEVEL: 'warn' }
  const pooled = { OUTBOUND_CONNECTIONS: 'pooled' }
  const upstream = opts.upstreamSrc
  const stack = await stackRecipes(opts, node)

  const recipes: Recipe[] = [
    ...stack.recipes,
    ['details', ['details', 'page'], () => node('details', 'services/details', {})],
    ['details-warn', ['details'], () => node('details-warn', 'services/details', warn)],
    ['ratings', ['ratings', 'reviews', 'page'], () => node('ratings', 'services/ratings', {})],
    ['ratings-warn', ['ratings'], () => node('ratings-warn', 'services/ratings', warn)],
    ['reviews-v1', ['reviews'], () => node('reviews-v1', 'services/reviews', reviews('v1'))],
    ['reviews-v1-warn', ['reviews'], () => node('reviews-v1-warn', 'services/reviews', reviews('v1', warn))],
    ['reviews-v3', ['reviews', 'page'], () => node('reviews-v3', 'services/reviews', reviews('v3'))],
    ['productpage', ['page'], () => node('productpage', 'services/productpage', backendsOf('details', 'reviews-v3', 'ratings'))],
    // Pooled keep-alive connections on both hops (productpage → details/reviews, reviews → ratings).
    ['reviews-v3-pooled', ['page'], () => node('reviews-v3-pooled', 'services/reviews', reviews('v3', pooled))],
    ['productpage-pooled', ['page'], () => node('productpage-pooled', 'services/productpage', { ...backendsOf('details', 'reviews-v3-pooled', 'ratings'), ...pooled })],
    ['bare-details', ['details'], async () => baseline('bare-details', 'bare-json.js', { BARE_BODY: await body('details', '/details/0') })],
    ['bare-ratings', ['ratings'], async () => baseline('bare-ratings', 'bare-json.js', { BARE_BODY: await body('ratings', '/ratings/0') })],
    ['bare-reviews-v1', ['reviews'], async () => baseline('bare-reviews-v1', 'bare-json.js', { BARE_BODY: await body('reviews-v1', '/reviews/0') })],
    ...chainRecipes('new', 'false', baseline, body, origin),
    ...chainRecipes('ka', 'true', baseline, body, origin),
    ['upstream-details', ['details'], async () => {
      const script = upstream && join(upstream, 'details', 'details.rb')
      if (!script || !existsSync(script)) return undefined
      const port = await getFreePort()
      return { name: 'upstream-details', command: 'ruby', args: [script, String(port)], env: {}, port, kind: 'upstream' }
    }],
    ['upstream-ratings', ['ratings'], async () => {
      const script = upstream && join(upstream, 'ratings', 'ratings.js')
      if (!script || !existsSync(script)) return undefined
      const port = await getFreePort()
      // ratings.js needs httpdispatcher (its package.json); ours is installed with the bench's dependencies.
      const env = { NODE_PATH: join(BENCH_DIR, 'node_modules'), SERVICE_VERSION: 'v1' }
      return { name: 'upstream-ratings', command: process.execPath, args: [script, String(port)], env, port, kind: 'upstream' }
    }],
  ]

  const start = async (spec: ServerSpec): Promise<RunningServer> => {
    const server = await startServer(spec, opts.logDir)
    servers.set(spec.name, server)
    opts.log(`  started ${spec.name.padEnd(20)} ${spec.kind.padEnd(8)} ${String(Math.round(server.startMs)).padStart(5)} ms  ${relative(opts.root, spec.args[0] ?? '')}`)
    return server
  }
  try {
    for (const [, groups, make] of recipes) {
      if (!groups.some((g) => opts.groups.has(g))) continue
      const spec = await make()
      if (spec !== undefined) await start(spec)
    }
  } catch (err) {
    await Promise.all([...servers.values()].map((s) => s.stop()))
    throw err
  }
  return { servers, entries, stack: stack.info, get, start }
}

type BaselineFn = (name: string, file: string, env: Record<string, string>) => Promise<ServerSpec>

/** The bare fan-out chain, four processes like ours, with one outbound connection policy. */
function chainRecipes (tag: string, keepAlive: string, baseline: BaselineFn, body: (name: string, path: string) => Promise<string>, origin: (name: string) => string): Recipe[] {
  const name = (role: string) => `chain-${tag}-${role}`
  const role = (r: string, env: () => Promise<Record<string, string>>): Recipe =>
    [name(r), ['page'], async () => baseline(name(r), 'bare-chain.js', { ROLE: r, KEEP_ALIVE: keepAlive, ...await env() })]
  return [
    role('details', async () => ({ DETAILS_BODY: await body('details', '/details/0') })),
    role('ratings', async () => ({ RATINGS_BODY: await body('ratings', '/ratings/0') })),
    role('reviews', async () => ({ RATINGS_URL: origin(name('ratings')), REVIEWS_BODY: await body('reviews-v3', '/reviews/0') })),
    role('productpage', async () => ({
      DETAILS_URL: origin(name('details')),
      REVIEWS_URL: origin(name('reviews')),
      // Our page's <head> (stylesheets, meta), so both pages weigh about the same on the wire.
      PAGE_HEAD: /<head>([\s\S]*?)<\/head>/.exec(await body('productpage', '/productpage'))?.[1] ?? '',
    })),
  ]
}

type NodeFn = (name: string, pkgDir: string, env: Record<string, string>) => Promise<ServerSpec>

/**
 * The dev.sh stack (local-stack's own specs: OIDC login against the bundled IdP, the policy on in every
 * service, a peer secret for source principals), on free ports; reviews v2 is left out (nothing calls it).
 */
async function stackRecipes (opts: FleetOptions, node: NodeFn): Promise<{ recipes: Recipe[], info: StackInfo }> {
  const ports = {} as StackPorts
  for (const key of ['productpage', 'details', 'ratings', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'idp'] as const) ports[key] = await getFreePort()
  const peerSecret = randomBytes(32).toString('base64url')
  const specs = stackSpecs({ reviewsVersion: 'v3', logDir: opts.logDir, ports }, peerSecret)
  const names: Record<string, [string, Group[]]> = {
    idp: ['idp', ['details', 'ratings', 'reviews', 'page']],
    details: ['details-policy', ['details', 'page']],
    ratings: ['ratings-policy', ['ratings', 'reviews', 'page']],
    'reviews-v1': ['reviews-v1-policy', ['reviews']],
    'reviews-v3': ['reviews-v3-policy', ['reviews', 'page']],
    productpage: ['productpage-oidc', ['page']],
  }
  const recipes: Recipe[] = []
  for (const spec of specs) {
    const named = names[spec.name]
    if (named === undefined) continue
    const pkgDir = packageDir(spec.server)
    recipes.push([named[0], named[1], () => node(named[0], pkgDir, spec.env)])
  }
  const env = specs.find((s) => s.name === 'productpage')?.env ?? {}
  return {
    recipes,
    info: {
      issuer: env.OIDC_ISSUER ?? '',
      productpageUrl: `http://localhost:${ports.productpage}`,
      clientId: env.OIDC_CLIENT_ID ?? '',
      clientSecret: env.OIDC_CLIENT_SECRET ?? '',
      redirectUri: env.OIDC_CALLBACK_URL ?? '',
      peerSecret,
    },
  }
}
