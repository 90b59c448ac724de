import type { Socket } from 'node:net'
import type { FastifyRequest } from 'fastify'
import type { RequestAttributes } from '../authz/attributes.ts'
import { canonicalIp } from '../authz/ip.ts'
import type { RequestHeaders } from './headers.ts'
import { remoteIp } from './remote-ip.ts'

/** The request attributes a policy reads; the derived ones are computed only when a policy asks. */
export class RequestFacts implements RequestAttributes {
  method: string
  path: string
  host: string | undefined
  sourceIp: string | undefined
  destinationPort: number | undefined
  sourcePrincipal: string | undefined
  claims: Record<string, unknown> | undefined
  readonly #headers: RequestHeaders
  readonly #socket: Socket
  readonly #trustedProxies: number | undefined

  constructor (request: FastifyRequest, headers: RequestHeaders, path: string, trustedProxies: number | undefined, principal: string | undefined, claims: Record<string, unknown> | undefined) {
    this.#socket = request.raw.socket
    this.#headers = headers
    this.#trustedProxies = trustedProxies
    this.method = request.method
    this.path = path
    this.host = headers.get('host')
    this.sourceIp = canonicalIp(this.#socket.remoteAddress)
    this.destinationPort = this.#socket.localPort
    this.sourcePrincipal = principal
    this.claims = claims
  }

  /** Envoy's pseudo-headers (`:authority`, `:method`, `:path` with its query, `:scheme`) count as headers too. */
  header (name: string): string | undefined {
    if (name.startsWith(':')) return this.#pseudoHeader(name)
    return this.#headers.get(name)
  }

  #pseudoHeader (name: string): string | undefined {
    if (name === ':authority') return this.host
    if (name === ':method') return this.method
    if (name === ':path') return this.#headers.query === '' ? this.path : `${this.path}?${this.#headers.query}`
    return name === ':scheme' ? 'http' : undefined
  }

  get remoteIp (): string | undefined { return remoteIp(this.sourceIp, this.#headers.get('x-forwarded-for'), this.#trustedProxies) }
  get destinationIp (): string | undefined { return canonicalIp(this.#socket.localAddress) }
}
