// The per-request work, in Envoy's order: path normalisation (400), the peer's identity (mTLS in a
// mesh), RequestAuthentication (jwt_authn: 401, or 403 for an audience), AuthorizationPolicy (RBAC: 403).
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AuthnResult } from './authn/authenticate.ts'
import { normalizedClaims, outputChanges } from './authn/outputs.ts'
import { httpStatusOf, JWT_STATUS, type JwtStatus } from './authn/status.ts'
import type { RequestAttributes } from './authz/attributes.ts'
import { canonicalIp } from './authz/ip.ts'
import { NORMALIZED, type NormalizedRequest } from './options.ts'
import { PEER_HEADER } from './peer.ts'
import { headerView, type HeaderView } from './request/headers.ts'
import { normalizeTarget } from './request/normalize-path.ts'
import { remoteIp } from './request/remote-ip.ts'
import type { PolicyRuntime } from './runtime.ts'

const DENIED = 'RBAC: access denied'

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
function isCorsPreflight (method: string, headers: HeaderView): boolean {
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
function applyOutputs (request: FastifyRequest, headers: HeaderView, authn: Extract<AuthnResult, { kind: 'authenticated' }>): Record<string, unknown> {
  for (const [name, value] of outputChanges(authn.provider.rule, authn.verified)) {
    headers.set(name, value)
    if (value === undefined) delete request.headers[name]
    else request.headers[name] = value
  }
  // Envoy keeps the payload of the last token it validated, the first one found.
  const last = authn.verified[authn.verified.length - 1]
  return last ? normalizedClaims(authn.provider.rule, last.jwt.payload) : {}
}

function attributes (request: FastifyRequest, headers: HeaderView, path: string, rt: PolicyRuntime): Omit<RequestAttributes, 'sourcePrincipal' | 'claims'> {
  const socket = request.raw.socket
  const peer = canonicalIp(socket.remoteAddress)
  return {
    method: request.method,
    path,
    host: headers.get('host'),
    header: headers.get,
    sourceIp: peer,
    remoteIp: remoteIp(peer, headers.get('x-forwarded-for'), rt.numTrustedProxies),
    destinationIp: canonicalIp(socket.localAddress),
    destinationPort: socket.localPort,
  }
}

export function policyHook (rt: PolicyRuntime, warnNotNormalized: () => void) {
  return async function meshPolicyHook (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const target = targetOf(request, warnNotNormalized)
    if (!target) return reply.code(400).send()
    const headers = headerView(request.raw.rawHeaders)

    // The assertion is for this hop only: read it, then drop it so the app can never pass it on.
    const peer = await rt.peers.verify(request.headers[PEER_HEADER])
    delete request.headers[PEER_HEADER]
    headers.set(PEER_HEADER, undefined)
    if (peer.kind === 'invalid') request.log.info({ reason: peer.reason }, 'mesh policy: peer assertion ignored')

    for (const name of rt.outputHeaders) {
      delete request.headers[name]
      headers.set(name, undefined)
    }
    const authn: AuthnResult = isCorsPreflight(request.method, headers)
      ? { kind: 'anonymous' }
      : await rt.authenticator.authenticate({ header: headers.get, query: target.query })
    if (authn.kind === 'rejected') return rejectToken(request, reply, authn.status, target.path)
    const claims = authn.kind === 'authenticated' ? applyOutputs(request, headers, authn) : undefined

    const attrs: RequestAttributes = {
      ...attributes(request, headers, target.path, rt),
      sourcePrincipal: peer.kind === 'verified' ? peer.principal : undefined,
      claims,
    }
    const { decision, audited, dryRun } = rt.authorize(attrs)
    if (audited.length > 0) request.log.info({ audit: audited, method: request.method, path: target.path }, 'mesh policy: audit')
    if (dryRun) request.log.info({ dryRun }, 'mesh policy: dry-run policies evaluated')
    if (!decision.allowed) {
      request.log.info({ reason: decision.reason }, 'mesh policy: request denied')
      return reply.code(403).type('text/plain').send(DENIED)
    }
    return undefined
  }
}
