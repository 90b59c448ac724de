import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { authorize, type RequestAttributes } from './authz.ts'
import { createJwtAuthenticator, type JwksOptions } from './jwt.ts'
import { loadPolicies, PolicyLoadError, selectForWorkload } from './load.ts'
import { parseTarget } from './path.ts'
import { createPeerVerifier, PEER_HEADER } from './peer.ts'
import type { JwtRule, PolicySet, Workload } from './types.ts'

export interface MeshPolicyOptions {
  /** false inside Istio: the sidecar enforces the same YAML, the plugin does nothing. */
  enabled: boolean
  /** Files and directories (recursive) holding the security.istio.io YAML, e.g. `istio/security`. */
  files: string[]
  /** The workload this service is: its namespace and pod labels (`app`, `version`). */
  workload: Workload
  /** Policies in this namespace apply to every namespace (Istio's root namespace). */
  rootNamespace?: string
  /** Replaces `issuer` of every jwtRule (what a kustomize overlay patches); needs a single issuer in the files. */
  issuer?: string
  /** Replaces `jwksUri` of every jwtRule, e.g. the IdP's back-channel address. */
  jwksUri?: string
  /** Shared secret for peer assertions (README "Source principals"); without it no request has a peer identity. */
  peerSecret?: string
  jwks?: JwksOptions
}

const DENIED = 'RBAC: access denied'

/** How source principals are treated, stated once at start-up (and in the README). */
export function sourcePrincipalTreatment (peerSecret: string | undefined): string {
  const base = 'source principals: mTLS peer identity is unavailable outside a mesh; '
  if (peerSecret === undefined) {
    return base + 'no peer secret is configured, so no request has a source principal: `principals` never match and `notPrincipals` always match'
  }
  return base + `the source principal is the subject of a valid \`${PEER_HEADER}\` assertion (HS256, signed with the shared peer secret, ` +
    'audience = this workload\'s app label, at most 60 s old); requests without one have no source principal. ' +
    'Any holder of the peer secret can claim any principal'
}

function applyOverrides (rules: JwtRule[], opts: MeshPolicyOptions): JwtRule[] {
  if (opts.issuer === undefined && opts.jwksUri === undefined) return rules
  const issuers = new Set(rules.map((r) => r.issuer))
  if (issuers.size > 1) {
    throw new PolicyLoadError(`issuer/jwksUri overrides need a single jwtRule issuer, found: ${[...issuers].join(', ')}`)
  }
  return rules.map((r) => ({
    ...r,
    issuer: opts.issuer ?? r.issuer,
    jwksUri: opts.jwksUri ?? r.jwksUri,
    jwks: opts.jwksUri === undefined ? r.jwks : undefined,
  }))
}

function describeSet (set: PolicySet, rules: JwtRule[]): Record<string, unknown> {
  return {
    requestAuthentications: set.requestAuthentications.map((r) => r.ref.name),
    jwtIssuers: rules.map((r) => ({ issuer: r.issuer, jwks: r.jwksUri ?? 'inline', audiences: r.audiences ?? 'any' })),
    authorizationPolicies: set.authorizationPolicies.map((p) => `${p.action} ${p.ref.name}`),
    peerAuthentications: set.peerAuthentications.map((p) => `${p.ref.name} ${p.mode}`),
  }
}

function plain (reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('text/plain').send(body)
}

async function meshPolicy (app: FastifyInstance, opts: MeshPolicyOptions): Promise<void> {
  if (!opts.enabled) {
    app.log.info('mesh policy: off (inside a mesh Istio enforces istio/security)')
    return
  }
  if (opts.peerSecret !== undefined && !opts.workload.labels.app) {
    throw new PolicyLoadError('mesh policy: a peer secret needs the workload\'s `app` label (the assertion audience)')
  }
  const all = await loadPolicies(opts.files)
  const set = selectForWorkload(all, opts.workload, opts.rootNamespace)
  const rules = applyOverrides(set.requestAuthentications.flatMap((r) => r.jwtRules), opts)
  const authenticator = createJwtAuthenticator(rules, opts.jwks)
  const peers = createPeerVerifier(opts.peerSecret, opts.workload.labels.app)

  app.log.info({ workload: opts.workload, files: opts.files, ...describeSet(set, rules) }, 'mesh policy: on')
  if (set.peerAuthentications.length > 0) {
    app.log.info('mesh policy: PeerAuthentication is not enforced outside a mesh (there is no TLS between the services)')
  }
  app.log.info(`mesh policy: ${sourcePrincipalTreatment(opts.peerSecret)}`)

  app.addHook('onRequest', async (request, reply) => {
    const target = parseTarget(request.url)
    if (!target) return plain(reply, 400, 'Bad Request')

    // The assertion is for this hop only: read it, then drop it so the app can never pass it on.
    const peer = await peers.verify(request.headers[PEER_HEADER])
    delete request.headers[PEER_HEADER]
    if (peer.kind === 'invalid') request.log.info({ reason: peer.reason }, 'mesh policy: peer assertion ignored')

    const authn = await authenticator.authenticate(request.headers.authorization, target.query)
    if (authn.kind === 'rejected') {
      request.log.info({ reason: authn.message }, 'mesh policy: JWT rejected')
      reply.header('www-authenticate', 'Bearer error="invalid_token"')
      return plain(reply, 401, authn.message)
    }
    // Istio strips a validated token unless its rule says forwardOriginalToken.
    if (authn.kind === 'authenticated' && !authn.forward && authn.from === 'header') delete request.headers.authorization

    const attrs: RequestAttributes = {
      method: request.method,
      path: target.path,
      headers: request.headers,
      sourcePrincipal: peer.kind === 'verified' ? peer.principal : undefined,
      auth: authn.kind === 'authenticated' ? authn.identity : undefined,
    }
    const decision = authorize(set.authorizationPolicies, attrs)
    if (!decision.allowed) {
      request.log.info({ reason: decision.reason }, 'mesh policy: request denied')
      return plain(reply, 403, DENIED)
    }
  })
}

/**
 * Enforces the Istio security YAML in-process when no mesh is present: RequestAuthentication (401 for a
 * bad token) then AuthorizationPolicy (403 `RBAC: access denied`), before any route runs.
 */
export const meshPolicyPlugin = fp(meshPolicy, { name: 'bookinfo-mesh-policy', fastify: '5.x' })
