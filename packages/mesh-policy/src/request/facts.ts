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

  header (name: string): string | undefined { return this.#headers.get(name) }
  get remoteIp (): string | undefined { return remoteIp(this.sourceIp, this.#headers.get('x-forwarded-for'), this.#trustedProxies) }
  get destinationIp (): string | undefined { return canonicalIp(this.#socket.localAddress) }
}
