import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyPluginOptions, type FastifyServerOptions } from 'fastify'
import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts'
import type { Registry } from 'prom-client'
import type { Dispatcher } from 'undici'
import { registerJsonHealth, type JsonHealthOptions } from './health.ts'
import { hygienePlugin, type HygieneOptions } from './hygiene.ts'
import { createMetricsRegistry, metricsPlugin } from './metrics.ts'
import { serverOptions } from './server-options.ts'

/**
 * An in-process policy registered before every route: the mesh-policy plugin and its options. It is passed in
 * because mesh-policy builds on the kit (env parsing, logging), so the kit cannot import it.
 */
export interface PolicyLayer<O extends { enabled: boolean }> {
  plugin: FastifyPluginAsync<O>
  /** undefined or `enabled: false`: no policy (upstream's open services, or Istio enforces it). */
  options: O | undefined
  /** Server settings the policy needs when enabled (mesh-policy: `rewriteUrl`, its path normalisation). */
  serverOptions?: Pick<FastifyServerOptions, 'rewriteUrl'>
}

export interface ServiceOptions<O extends { enabled: boolean }> {
  /** Logger and server settings (server.ts passes runService's); tests leave the default, no logger. */
  server?: FastifyServerOptions
  /** This service's 404 (each upstream service answered differently). */
  notFound?: HygieneOptions['notFound']
  policy?: PolicyLayer<O>
  /** Upstream's JSON `GET /health`; productpage serves its own text one. */
  health?: JsonHealthOptions
}

/** What buildApp's `deps` holds for a service that calls out: the undici dispatcher (tests pass a MockAgent). */
export interface OutboundDeps {
  dispatcher?: Dispatcher
}

export interface Service {
  app: FastifyInstance
  /** The app's own metrics registry (served at /metrics), for the service's counters. */
  metrics: Registry
}

/**
 * The skeleton every service's app.ts starts from, in this order: hygiene (errors without internals, 404/405,
 * JSON content type), the policy before every route, `/metrics`, and upstream's JSON `/health`. The service then
 * registers its own routes; nothing here reads the environment or listens.
 */
export async function createService<O extends { enabled: boolean }> (opts: ServiceOptions<O> = {}): Promise<Service> {
  const policy = opts.policy?.options?.enabled === true ? opts.policy : undefined
  const app = Fastify({ ...(opts.server ?? serverOptions(false)), ...policy?.serverOptions })
  await app.register(hygienePlugin, opts.notFound ? { notFound: opts.notFound } : {})
  if (policy?.options) await app.register(policy.plugin, policy.options)
  const metrics = createMetricsRegistry()
  await app.register(metricsPlugin, { registry: metrics })
  if (opts.health) registerJsonHealth(app, opts.health)
  return { app, metrics }
}

/** A service's routes plugin, its handler types inferred from its JSON schemas (json-schema-to-ts). */
export type RoutesPlugin<O extends FastifyPluginOptions = Record<never, never>> = FastifyPluginAsyncJsonSchemaToTs<{ Options: O }>

/** The TypeScript type a JSON schema describes, for handlers written apart from their route. */
export type { FromSchema } from 'json-schema-to-ts'
