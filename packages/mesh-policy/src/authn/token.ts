// A JWT parsed as Envoy's jwt_verify_lib parses it (Jwt::parseFromString): the same checks in the same
// order, so a malformed token gets the same 401 body.
import type { JWT_STATUS } from './status.ts'

type Failure = keyof typeof JWT_STATUS

export interface ParsedJwt {
  alg: string
  /** '' when the header has none. */
  kid: string
  headerB64: string
  payloadB64: string
  signature: Buffer
  payload: Record<string, unknown>
  iss: string
  sub: string
  audiences: string[]
  /** 0 when absent (no expiry, as in Envoy without require_expiration). */
  exp: number
  nbf: number
}

const IMPLEMENTED_ALGS = new Set(['ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'])
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/

function base64url (part: string): Buffer | undefined {
  const bare = part.replace(/=+$/, '')
  if (!BASE64URL.test(part) || bare.length % 4 === 1) return undefined
  return Buffer.from(bare, 'base64url')
}

function jsonObject (bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

type Read<T> = T | { fail: Failure }

function optionalString (obj: Record<string, unknown>, key: string, fail: Failure): Read<string> {
  const v = obj[key]
  if (v === undefined) return ''
  return typeof v === 'string' ? v : { fail }
}

function optionalUint (obj: Record<string, unknown>, key: string, notInteger: Failure, outOfRange: Failure): Read<number> {
  const v = obj[key]
  if (v === undefined) return 0
  if (typeof v !== 'number') return { fail: notInteger }
  if (v < 0 || v >= 2 ** 64) return { fail: outOfRange }
  return Math.floor(v)
}

function audiences (payload: Record<string, unknown>): Read<string[]> {
  const aud = payload.aud
  if (aud === undefined) return []
  if (typeof aud === 'string') return [aud]
  if (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) return aud as string[]
  return { fail: 'audNotString' }
}

const failed = (r: unknown): r is { fail: Failure } => typeof r === 'object' && r !== null && 'fail' in r

function parseHeader (part: string): Read<{ alg: string, kid: string }> {
  const bytes = base64url(part)
  if (!bytes) return { fail: 'headerBadBase64' }
  const header = jsonObject(bytes)
  if (!header) return { fail: 'headerBadJson' }
  if (typeof header.alg !== 'string') return { fail: 'headerBadAlg' }
  if (!IMPLEMENTED_ALGS.has(header.alg)) return { fail: 'headerNotImplementedAlg' }
  const kid = optionalString(header, 'kid', 'headerBadKid')
  return failed(kid) ? kid : { alg: header.alg, kid }
}

function parsePayload (part: string): Read<Pick<ParsedJwt, 'payload' | 'iss' | 'sub' | 'audiences' | 'exp' | 'nbf'>> {
  const bytes = base64url(part)
  if (!bytes) return { fail: 'payloadBadBase64' }
  const payload = jsonObject(bytes)
  if (!payload) return { fail: 'payloadBadJson' }
  const iss = optionalString(payload, 'iss', 'issNotString')
  const sub = optionalString(payload, 'sub', 'subNotString')
  const iat = optionalUint(payload, 'iat', 'iatNotInteger', 'iatOutOfRange')
  const nbf = optionalUint(payload, 'nbf', 'nbfNotInteger', 'nbfOutOfRange')
  const exp = optionalUint(payload, 'exp', 'expNotInteger', 'expOutOfRange')
  const jti = optionalString(payload, 'jti', 'jtiNotString')
  const aud = audiences(payload)
  const firstFailure = [iss, sub, iat, nbf, exp, jti, aud].find(failed)
  if (firstFailure) return firstFailure
  return { payload, iss: iss as string, sub: sub as string, audiences: aud as string[], exp: exp as number, nbf: nbf as number }
}

/** The parsed token, or the name of the status Envoy would answer with. */
export function parseJwt (token: string): ParsedJwt | Failure {
  // Envoy splits on '.' skipping empty parts: `header.payload.` (alg none, no signature) has two.
  const parts = token.split('.').filter((p) => p !== '')
  if (parts.length !== 3) return 'badFormat'
  const [h = '', p = '', s = ''] = parts
  const header = parseHeader(h)
  if (failed(header)) return header.fail
  const payload = parsePayload(p)
  if (failed(payload)) return payload.fail
  const signature = base64url(s)
  if (!signature) return 'signatureBadBase64'
  return { ...header, ...payload, headerB64: h, payloadB64: p, signature }
}
