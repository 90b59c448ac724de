// Runs conformance cases through the real plugin: a Fastify app built as the services build theirs
// (meshPolicyServerOptions + the plugin), listening on loopback, called over real HTTP connections from
// chosen loopback source addresses, with real signed tokens and a loopback JWKS.
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { Writable } from 'node:stream'
import Fastify, { type FastifyInstance } from 'fastify'
import { getFreePort } from '@bookinfo/test-helpers'
import { meshPolicyPlugin, meshPolicyServerOptions, peerHeaders, type MeshPolicyOptions } from '../../src/index.ts'
import { policyDir } from '../helpers.ts'
import type { TokenName } from './tokens.ts'

export const PEER_SECRET = 'conformance-peer-secret-of-32-chars!'

/** What a policy template and a case can refer to. */
export interface CaseEnv {
  tokens: Record<TokenName, string>
  /** The port the workload listens on (Istio's WorkloadPort). */
  port: number
  jwksUri: string
  slowJwksUri: string
  deadJwksUri: string
  discoveryIssuer: string
  /** A token of discoveryIssuer, signed with the key its discovery document leads to. */
  discoveryToken: string
  inlineJwks: string
}

type OrFn<T> = T | ((env: CaseEnv) => T)

export interface CaseRequest {
  method?: string
  path?: OrFn<string>
  /** Sent as `Authorization: Bearer <token>`. */
  bearer?: TokenName
  headers?: OrFn<Record<string, string>>
  /** The caller's source principal (a signed peer assertion, our stand-in for mTLS). */
  peer?: string
  /** The loopback address the connection comes from (source.ip). */
  from?: string
  /** Sent byte for byte on a socket (Node's client would upper-case the method). */
  raw?: boolean
}

export interface CaseExpect {
  status: number
  body?: string
  /** What the route saw: its URL and headers (null: absent). */
  seen?: OrFn<{ url?: string, headers?: Record<string, string | null> }>
  responseHeaders?: Record<string, string>
  /** Substrings of the workload's log for this request. */
  logs?: string[]
}

export interface ConformanceCase {
  name: string
  /** Where Istio states this outcome: an integration test, a task page, a reference page. */
  source: string
  request: CaseRequest
  expect: CaseExpect
}

export interface ConformanceGroup {
  title: string
  /** Where the policy comes from. */
  source: string
  policy: (env: CaseEnv) => string
  workload?: { namespace?: string, labels?: Record<string, string> }
  options?: Partial<MeshPolicyOptions>
  cases: ConformanceCase[]
}

export interface Answer {
  status: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

export interface RunningWorkload {
  app: FastifyInstance
  port: number
  labels: Record<string, string>
  logs: () => string
  close: () => Promise<void>
}

export const resolveCaseValue = <T>(value: OrFn<T> | undefined, env: CaseEnv): T | undefined =>
  typeof value === 'function' ? (value as (env: CaseEnv) => T)(env) : value

export async function startWorkload (group: ConformanceGroup, base: Omit<CaseEnv, 'port'>): Promise<{ workload: RunningWorkload, env: CaseEnv }> {
  const port = await getFreePort()
  const env: CaseEnv = { ...base, port }
  const labels = group.workload?.labels ?? { app: 'echo', version: 'v1' }
  const opts: MeshPolicyOptions = {
    enabled: true,
    files: [await policyDir({ 'policy.yaml': group.policy(env) })],
    workload: { namespace: group.workload?.namespace ?? 'echo1', labels },
    peerSecret: PEER_SECRET,
    ...group.options,
  }
  let out = ''
  const stream = new Writable({ write (chunk, _enc, cb) { out += String(chunk); cb() } })
  const app = Fastify({ logger: { level: 'info', stream }, ...meshPolicyServerOptions(opts) })
  await app.register(meshPolicyPlugin, opts)
  app.all('/*', async (request) => ({ url: request.url, headers: request.headers }))
  await app.listen({ port, host: '127.0.0.1' })
  return { workload: { app, port, labels, logs: () => out, close: () => app.close() }, env }
}

/** `<status> <body>` over a raw socket: the request line exactly as given. */
async function sendRaw (port: number, method: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`))
    let data = ''
    socket.on('data', (d: Buffer) => { data += d.toString('latin1') })
    socket.on('end', () => resolve({ status: Number(data.split(' ')[1]), body: data.split('\r\n\r\n')[1] ?? '', headers: {} }))
    socket.on('error', reject)
  })
}

export async function send (w: RunningWorkload, env: CaseEnv, req: CaseRequest): Promise<Answer> {
  const path = resolveCaseValue(req.path, env) ?? '/'
  if (req.raw) return sendRaw(w.port, req.method ?? 'GET', path)
  const headers: Record<string, string> = { ...resolveCaseValue(req.headers, env) }
  if (req.bearer) headers.authorization = `Bearer ${env.tokens[req.bearer]}`
  if (req.peer) Object.assign(headers, await peerHeaders({ secret: PEER_SECRET, principal: req.peer, audience: w.labels.app ?? '' }))
  return new Promise((resolve, reject) => {
    const r = httpRequest({
      host: '127.0.0.1',
      port: w.port,
      localAddress: req.from ?? '127.0.0.1',
      method: req.method ?? 'GET',
      path,
      headers,
      agent: false,
    }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => { body += chunk.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    r.on('error', reject)
    r.end()
  })
}
