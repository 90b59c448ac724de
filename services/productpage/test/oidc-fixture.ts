import { fileURLToPath } from 'node:url'
import { getFreePort, startProcess, startTestServer, type ManagedProcess, type TestServer } from '@bookinfo/test-helpers'
import { startReverseProxy, type ProxyServer } from '@bookinfo/test-helpers/reverse-proxy'
import { devPersonas } from '@bookinfo/dev-idp'
import type { FastifyInstance } from 'fastify'
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose'
import { buildApp, type ProductpageDeps } from '../src/app.ts'
import { configFromEnv } from '../src/config.ts'
import { DETAILS_BODY, reviewsBody } from './fixtures.ts'

export const IDP_SERVER = fileURLToPath(import.meta.resolve('@bookinfo/dev-idp/server'))
export const PRODUCTPAGE_SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url))

export const CLIENT_ID = 'bookinfo-productpage'
export const CLIENT_SECRET = 'oidc-test-client-secret-5f4e3d2c'
export const SESSION_SECRET = 'oidc-test-session-secret-0123456789abcdef'
export const API = 'https://bookinfo.io'

/** The bundled IdP's personas, from its seed. */
export const PERSONAS = devPersonas()

export interface RunningIdp {
  proc: ManagedProcess
  /** Where productpage reaches the IdP (the back channel). */
  base: string
  /** The public issuer: a reverse proxy in front of the IdP, the only address the browser uses. */
  issuer: string
  front: ProxyServer
  stop: () => Promise<void>
}

/** The real dev IdP as a process, behind a front proxy that stands for its public address. */
export async function startIdp (productpageOrigins: string[], env: Record<string, string> = {}): Promise<RunningIdp> {
  const port = await getFreePort()
  const base = `http://127.0.0.1:${port}`
  const front = await startReverseProxy(base)
  const issuer = `http://localhost:${front.port}/`
  const proc = await startProcess(process.execPath, [IDP_SERVER], {
    env: {
      IDP_PORT: String(port),
      IDP_HOST: '127.0.0.1',
      IDP_ISSUER: issuer,
      IDP_DEV_CLIENT_SECRET: CLIENT_SECRET,
      IDP_REDIRECT_URIS: productpageOrigins.map((o) => `${o}/callback`).join(','),
      IDP_POST_LOGOUT_URIS: productpageOrigins.map((o) => `${o}/productpage`).join(','),
      ...env,
    },
    readyUrl: `${base}/health`,
  })
  return {
    proc,
    base,
    issuer,
    front,
    stop: async () => {
      await proc.stop()
      await front.close()
    },
  }
}

export interface Backends {
  details: TestServer
  reviews: TestServer
  close: () => Promise<void>
}

/** details and reviews stubs that answer 200 and record every request (the `authorization` they got). */
export async function startBackends (): Promise<Backends> {
  const details = await startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(DETAILS_BODY))
  })
  const reviews = await startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(reviewsBody('v2'))
  })
  return {
    details,
    reviews,
    close: async () => {
      await details.close()
      await reviews.close()
    },
  }
}

/** productpage's environment for OIDC against `idp`, with the backends on loopback. */
export function oidcEnv (idp: RunningIdp, origin: string, backends: Backends, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OIDC_ISSUER: idp.issuer,
    OIDC_INTERNAL_BASE_URL: idp.base,
    OIDC_CLIENT_ID: CLIENT_ID,
    OIDC_CLIENT_SECRET: CLIENT_SECRET,
    OIDC_CALLBACK_URL: `${origin}/callback`,
    OIDC_HTTP_TIMEOUT_MS: '3000',
    SESSION_SECRET,
    DETAILS_HOSTNAME: '127.0.0.1',
    DETAILS_SERVICE_PORT: String(backends.details.port),
    REVIEWS_HOSTNAME: '127.0.0.1',
    REVIEWS_SERVICE_PORT: String(backends.reviews.port),
    BACKEND_TIMEOUT_MS: '2000',
    ...extra,
  }
}

/**
 * Backends on a loopback port nothing listens on: the page renders its "unavailable" text at once. The default
 * hostnames (`details`, `reviews`) would wait on DNS, which can take seconds on a CI machine.
 */
export async function closedBackendsEnv (): Promise<Record<string, string>> {
  const port = String(await getFreePort())
  return { DETAILS_HOSTNAME: '127.0.0.1', DETAILS_SERVICE_PORT: port, REVIEWS_HOSTNAME: '127.0.0.1', REVIEWS_SERVICE_PORT: port }
}

export interface RunningProductpage {
  app: FastifyInstance
  /** The public origin (`http://localhost:<port>`), as the callback URL names it. */
  origin: string
  close: () => Promise<void>
}

/** A free port and the productpage origin on it, to register at the IdP before productpage starts. */
export async function reserveOrigin (): Promise<{ port: number, origin: string }> {
  const port = await getFreePort()
  return { port, origin: `http://localhost:${port}` }
}

/** productpage in this process (buildApp), listening on loopback so the browser can reach /callback. */
export async function startProductpage (port: number, env: Record<string, string>, deps: ProductpageDeps = {}): Promise<RunningProductpage> {
  const { config } = configFromEnv(env)
  const app = await buildApp(config, undefined, { discovery: { initialBackoffMs: 50 }, ...deps })
  await app.listen({ port, host: '127.0.0.1' })
  return { app, origin: `http://localhost:${port}`, close: () => app.close() }
}

/** The bearer a backend received, without the scheme; undefined when none. */
export function bearerOf (server: TestServer, index = -1): string | undefined {
  const auth = server.requests.at(index)?.headers.authorization
  return typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined
}

/** Verifies an access token as the mesh would: signature through the IdP's JWKS, issuer, audience. */
export async function verifyAccessToken (idp: RunningIdp, token: string): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', idp.base))
  const { payload } = await jwtVerify(token, jwks, { issuer: idp.issuer, audience: API, algorithms: ['RS256'] })
  return payload
}
