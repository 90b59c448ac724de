// The per-request work, in Envoy's order: path normalisation (400), the peer's identity (mTLS in a
// mesh), RequestAuthentication (jwt_authn: 401, or 403 for an audience), AuthorizationPolicy (RBAC: 403).
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AuthnResult } from './authn/authenticate.ts'
import { outputChanges } from './authn/outputs.ts'
import { httpStatusOf, JWT_STATUS, type JwtStatus } from './authn/status.ts'
import { NORMALIZED, type NormalizedRequest } from './options.ts'
import { PEER_HEADER, type PeerResult } from './peer.ts'
import { RequestFacts } from './request/facts.ts'
import { RequestHeaders } from './request/headers.ts'
import { normalizeTarget } from './request/normalize-path.ts'
import type { PolicyRuntime } from './runtime.ts'

const DENIED = 'RBAC: access denied'
const NO_PEER: PeerResult = { kind: 'none' }
const ANONYMOUS: AuthnResult = { kind: 'anonymous' }

type Target = { path: string, query: string }

/** The normalised target; undefined when Envoy would answer 400 (or the route would see another path). */
function targetOf (request: FastifyRequest, warn: () => void): Target | undefined {
  const fromServer = (request.raw as NormalizedRequest)[NORMALIZED]
  if (fromServer) return fromServer.ok ? fromServer : undefined
  // No rewriteUrl on this server: the route sees the path as sent, so only an already-normal one is safe.
  const target = normalizeTarget(request.url)
  if (!target.ok) return undefined
  if (request.url.split('?')[0] !== target.path) {
    warn()
    return undefined
  }
  return target
}

/** Envoy's jwt_authn skips CORS preflights: OPTIONS with a non-empty Origin and Access-Control-Request-Method. */
function isCorsPreflight (method: string, headers: RequestHeaders): boolean {
  return method === 'OPTIONS' && !!headers.get('origin') && !!headers.get('access-control-request-method')
}

function rejectToken (request: FastifyRequest, reply: FastifyReply, status: Exclude<JwtStatus, 'ok'>, path: string): FastifyReply {
  request.log.info({ reason: JWT_STATUS[status] }, 'mesh policy: JWT rejected')
  // Envoy's realm is the request URL; we leave the query out, where a token may be.
  const realm = `${request.protocol}://${request.headers.host ?? ''}${path}`.slice(0, 2048)
  reply.header('www-authenticate', `Bearer realm="${realm}", error="invalid_token"`)
  return reply.code(httpStatusOf(status)).type('text/plain').send(JWT_STATUS[status])
}

/** Applies what a validated token writes (claims and payload headers, token removal) to the request. */
function applyOutputs (request: FastifyRequest, headers: RequestHeaders, authn: Extract<AuthnResult, { kind: 'authenticated' }>): Record<string, unknown> {
  for (const [name, value] of outputChanges(authn.provider.rule, authn.verified)) {
    headers.set(name, value)
    if (value === undefined) delete request.headers[name]
    else request.headers[name] = value
  }
  // Envoy keeps the payload of the last token it validated, the first one found.
  return authn.verified[authn.verified.length - 1]?.claims ?? {}
}

interface Check {
  rt: PolicyRuntime
  request: FastifyRequest
  reply: FastifyReply
  headers: RequestHeaders
  path: string
}

/** true: the request goes on to the route; false: the plugin answered it. */
type Outcome = boolean | Promise<boolean>

/** RequestAuthentication, then the AuthorizationPolicies (Envoy's jwt_authn, then its RBAC filter). */
function authorizeRequest (c: Check, peer: PeerResult): Outcome {
  const { rt, request, headers } = c
  for (const name of rt.outputHeaders) {
    delete request.headers[name]
    headers.set(name, undefined)
  }
  const authn = isCorsPreflight(request.method, headers) ? ANONYMOUS : rt.authenticator.authenticate(headers)
  return authn instanceof Promise ? authn.then((a) => decide(c, peer, a)) : decide(c, peer, authn)
}

function decide (c: Check, peer: PeerResult, authn: AuthnResult): boolean {
  const { rt, request, reply, headers, path } = c
  if (authn.kind === 'rejected') {
    rejectToken(request, reply, authn.status, path)
    return false
  }
  const claims = authn.kind === 'authenticated' ? applyOutputs(request, headers, authn) : undefined
  const principal = peer.kind === 'verified' ? peer.principal : undefined
  const { decision, audited, dryRun } = rt.authorize(new RequestFacts(request, headers, path, rt.numTrustedProxies, principal, claims))
  if (audited.length > 0) request.log.info({ audit: audited, method: request.method, path }, 'mesh policy: audit')
  if (dryRun) request.log.info({ dryRun }, 'mesh policy: dry-run policies evaluated')
  if (decision.allowed) return true
  request.log.info({ reason: decision.reason }, 'mesh policy: request denied')
  reply.code(403).type('text/plain').send(DENIED)
  return false
}

/** The assertion is for this hop only: read it, then drop it so the app can never pass it on. */
function readPeer (c: Check, assertion: string | string[]): PeerResult | Promise<PeerResult> {
  delete c.request.headers[PEER_HEADER]
  c.headers.set(PEER_HEADER, undefined)
  const peer = c.rt.peers.verify(assertion)
  return peer instanceof Promise ? peer.then((p) => logInvalid(c, p)) : logInvalid(c, peer)
}

function logInvalid (c: Check, peer: PeerResult): PeerResult {
  if (peer.kind === 'invalid') c.request.log.info({ reason: peer.reason }, 'mesh policy: peer assertion ignored')
  return peer
}

/** The onRequest hook; callback style so that a request needing no key fetch costs no promise. */
export function policyHook (rt: PolicyRuntime, warnNotNormalized: () => void) {
  return function meshPolicyHook (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
    const target = targetOf(request, warnNotNormalized)
    if (!target) {
      reply.code(400).send()
      return
    }
    const c: Check = { rt, request, reply, headers: new RequestHeaders(request.raw.rawHeaders, target.query), path: target.path }
    const assertion = request.headers[PEER_HEADER]
    const peer = assertion === undefined ? NO_PEER : readPeer(c, assertion)
    const outcome = peer instanceof Promise ? peer.then((p) => authorizeRequest(c, p)) : authorizeRequest(c, peer)
    if (outcome === true) done()
    else if (outcome instanceof Promise) outcome.then((goOn) => { if (goOn) done() }, done)
  }
}
