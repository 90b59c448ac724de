// Everything the request hook needs, built once at start-up from the options and the YAML.
import type { FastifyBaseLogger } from 'fastify'
import { createAuthenticator, type Authenticator } from './authn/authenticate.ts'
import { outputHeaderNames } from './authn/outputs.ts'
import { compilePolicy } from './authz/compile.ts'
import { createAuthorizer, type Evaluation } from './authz/evaluate.ts'
import type { RequestAttributes } from './authz/attributes.ts'
import { trustDomainBundle } from './authz/trust-domain.ts'
import { loadPolicies, PolicyLoadError, selectForWorkload } from './load/index.ts'
import type { MeshPolicyOptions } from './options.ts'
import { createPeerVerifier, PEER_HEADER, type PeerVerifier } from './peer.ts'
import type { JwtRule, PolicySet } from './types.ts'

export interface PolicyRuntime {
  authenticator: Authenticator
  authorize: (req: RequestAttributes) => Evaluation
  peers: PeerVerifier
  /** Headers jwtRules write: removed from every request before authentication. */
  outputHeaders: string[]
  numTrustedProxies: number | undefined
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

function logSelection (log: FastifyBaseLogger, opts: MeshPolicyOptions, all: PolicySet, set: PolicySet, rules: JwtRule[]): void {
  log.info({
    workload: opts.workload,
    files: opts.files,
    requestAuthentications: set.requestAuthentications.map((r) => r.ref.name),
    jwtIssuers: rules.map((r) => ({ issuer: r.issuer, jwks: r.jwksUri ?? (r.jwks ? 'inline' : 'OpenID discovery'), audiences: r.audiences ?? 'any' })),
    authorizationPolicies: set.authorizationPolicies.map((p) => `${p.dryRun ? 'dry-run ' : ''}${p.action} ${p.ref.name}`),
    peerAuthentications: set.peerAuthentications.map((p) => `${p.ref.name} ${p.mode}`),
  }, 'mesh policy: on')
  const attached = [...all.authorizationPolicies, ...all.requestAuthentications].filter((r) => r.attachedByTargetRef)
  if (attached.length > 0) {
    log.info({ resources: attached.map((r) => `${r.ref.kind} ${r.ref.name}`) }, 'mesh policy: resources attached with targetRef(s) apply to gateways and waypoints, not to this workload')
  }
  if (set.peerAuthentications.length > 0) {
    log.info('mesh policy: PeerAuthentication is not enforced outside a mesh (there is no TLS between the services)')
  }
  log.info(`mesh policy: ${sourcePrincipalTreatment(opts.peerSecret)}`)
}

export async function createRuntime (opts: MeshPolicyOptions, log: FastifyBaseLogger): Promise<PolicyRuntime> {
  if (opts.peerSecret !== undefined && !opts.workload.labels.app) {
    throw new PolicyLoadError('mesh policy: a peer secret needs the workload\'s `app` label (the assertion audience)')
  }
  const all = await loadPolicies(opts.files)
  const set = selectForWorkload(all, opts.workload, opts.rootNamespace)
  const rules = applyOverrides(set.requestAuthentications.flatMap((r) => r.jwtRules), opts)
  const trustDomains = trustDomainBundle(opts.trustDomain, opts.trustDomainAliases)
  const policies = set.authorizationPolicies.map((p) => compilePolicy(p, { trustDomains, policyNamespace: p.ref.namespace ?? opts.workload.namespace }))
  logSelection(log, opts, all, set, rules)
  return {
    authenticator: createAuthenticator(rules, { timeoutMs: 5000, cooldownMs: 30_000, cacheMaxAgeMs: 300_000, ...opts.jwks }),
    authorize: createAuthorizer(policies),
    peers: createPeerVerifier(opts.peerSecret, opts.workload.labels.app),
    outputHeaders: outputHeaderNames(rules),
    numTrustedProxies: opts.numTrustedProxies,
  }
}
