import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { PolicyLayer } from '@bookinfo/service-kit'
import { meshPolicyServerOptions, type MeshPolicyOptions } from './options.ts'

async function meshPolicy (app: FastifyInstance, opts: MeshPolicyOptions): Promise<void> {
  if (!opts.enabled) {
    app.log.info('mesh policy: off (inside a mesh Istio enforces istio/security)')
    return
  }
  // Loaded only when on: a service that runs without the policy (Istio enforces it) never reads the YAML
  // parser and the evaluator (about 210 KB of bundled code, a chunk of its own).
  const [{ createRuntime }, { policyHook }] = await Promise.all([import('./runtime.ts'), import('./hook.ts')])
  const runtime = await createRuntime(opts, app.log)
  let warned = false
  const warnNotNormalized = (): void => {
    if (warned) return
    warned = true
    app.log.warn('mesh policy: the server was built without meshPolicyServerOptions() (meshPolicyLayer() brings them), so paths are not normalised before routing; requests whose path Istio would normalise are refused (400)')
  }
  app.addHook('onRequest', policyHook(runtime, warnNotNormalized))
}

/**
 * Enforces the Istio security YAML in-process when no mesh is present, before any route runs:
 * RequestAuthentication (401, or 403 for a wrong audience) then AuthorizationPolicy (403
 * `RBAC: access denied`). Build the server with `meshPolicyServerOptions(opts)` so that paths are
 * normalised as Istio does before routing.
 */
// No `fastify` version range: its semver check costs start-up time (see service-kit's hygiene.ts).
export const meshPolicyPlugin = fp(meshPolicy, { name: 'bookinfo-mesh-policy' })

/**
 * The policy as the kit's createService takes it: the plugin, its options, and the server settings it needs
 * (path normalisation before routing, as Istio does). Every service passes `meshPolicyLayer(config.meshPolicy)`.
 */
export function meshPolicyLayer (options: MeshPolicyOptions | undefined): PolicyLayer<MeshPolicyOptions> {
  return { plugin: meshPolicyPlugin, options, serverOptions: meshPolicyServerOptions(options) }
}
