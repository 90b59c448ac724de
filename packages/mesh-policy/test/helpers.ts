import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import Fastify, { type FastifyInstance } from 'fastify'
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose'
import { startTestServer, type TestServer } from '@bookinfo/test-helpers'
import { meshPolicyPlugin, meshPolicyServerOptions, type MeshPolicyOptions } from '../src/index.ts'

/** An RS256 signing key with its public JWK, like the bundled IdP's. */
export interface TestIssuer {
  issuer: string
  jwk: JWK
  sign: (claims: JWTPayload, opts?: { expiresIn?: string | number, notBefore?: string | number, audience?: string | string[] }) => Promise<string>
  /** Signs exactly this payload (no iss/iat/exp added), with this key's kid unless the header says otherwise. */
  signExact: (payload: JWTPayload, header?: { kid?: string, typ?: string }) => Promise<string>
}

export async function createIssuer (issuer: string, kid: string): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }
  return {
    issuer,
    jwk,
    sign: async (claims, opts = {}) => {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
        .setIssuer(issuer)
        .setIssuedAt()
        .setExpirationTime(opts.expiresIn ?? '5m')
      if (opts.audience !== undefined) jwt.setAudience(opts.audience)
      if (opts.notBefore !== undefined) jwt.setNotBefore(opts.notBefore)
      return jwt.sign(privateKey)
    },
    signExact: async (payload, header = {}) => new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT', ...header }).sign(privateKey),
  }
}

/** A real loopback JWKS endpoint serving the given public keys. */
export async function startJwksServer (keys: JWK[]): Promise<TestServer> {
  return startTestServer((_req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys }))
  })
}

/** An unsigned token (`alg: none`) carrying the given claims. */
export function unsignedToken (claims: JWTPayload): string {
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`
}

/** Same header and signature, different payload: the signature no longer fits. */
export function tamper (token: string, claims: JWTPayload): string {
  const [header, , signature] = token.split('.')
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`
}

export async function policyDir (files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mesh-policy-'))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

export interface LoggedApp {
  app: FastifyInstance
  logs: () => string
}

/**
 * A small Fastify app labelled as a workload: the plugin, then routes that echo what reached them
 * (so tests can see which headers the plugin left).
 */
export async function policyApp (opts: MeshPolicyOptions, paths: string[] = ['/*'], server: { normalize?: boolean } = {}): Promise<LoggedApp> {
  let out = ''
  const stream = new Writable({ write (chunk, _enc, cb) { out += String(chunk); cb() } })
  const app = Fastify({ logger: { level: 'info', stream }, ...(server.normalize === false ? {} : meshPolicyServerOptions(opts)) })
  await app.register(meshPolicyPlugin, opts)
  for (const path of paths) {
    app.route({
      method: ['GET', 'POST', 'PUT', 'DELETE'],
      url: path,
      handler: async (request) => ({ ok: true, url: request.url, authorization: request.headers.authorization ?? null, peer: request.headers['x-bookinfo-peer'] ?? null }),
    })
  }
  await app.ready()
  return { app, logs: () => out }
}

export const ISTIO_DIR = new URL('../../../istio/', import.meta.url).pathname
export const SECURITY_DIR = join(ISTIO_DIR, 'security')
