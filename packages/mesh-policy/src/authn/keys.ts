// JWK sets and signature checks as Envoy's jwt_verify_lib does them: a key is tried when its `kid` and
// `alg` (when the key states them) agree with the token's; no such key is "Jwks doesn't have key to match
// kid or alg from Jwt", keys that were tried and failed are "Jwt verification fails".
import { constants, createHmac, createPublicKey, createSecretKey, timingSafeEqual, verify, type JsonWebKey, type KeyObject } from 'node:crypto'
import type { ParsedJwt } from './token.ts'

export interface VerificationKey {
  kty: 'RSA' | 'EC' | 'oct' | 'OKP'
  kid?: string
  alg?: string
  key: KeyObject
}

type Jwk = Record<string, unknown>

const ALG_FAMILY: Readonly<Record<VerificationKey['kty'], string>> = { RSA: 'RS|PS', EC: 'ES', oct: 'HS', OKP: 'EdDSA' }

/** One JWK as a usable key, or undefined when Envoy would reject it (wrong type for its alg, bad data). */
function toKey (jwk: Jwk): VerificationKey | undefined {
  const kty = jwk.kty
  if (kty !== 'RSA' && kty !== 'EC' && kty !== 'oct' && kty !== 'OKP') return undefined
  const alg = typeof jwk.alg === 'string' ? jwk.alg : undefined
  if (alg !== undefined && !new RegExp(`^(?:${ALG_FAMILY[kty]})`).test(alg)) return undefined
  if (kty === 'OKP' && jwk.crv !== 'Ed25519') return undefined
  try {
    const key = kty === 'oct'
      ? createSecretKey(Buffer.from(String(jwk.k), 'base64url'))
      : createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
    return { kty, key, alg, kid: typeof jwk.kid === 'string' ? jwk.kid : undefined }
  } catch {
    return undefined
  }
}

/** The usable keys of a JWK set (invalid ones are skipped, as Envoy does). */
export function keysOf (jwks: unknown): VerificationKey[] {
  const keys = typeof jwks === 'object' && jwks !== null ? (jwks as { keys?: unknown }).keys : undefined
  if (!Array.isArray(keys)) return []
  return keys.filter((k): k is Jwk => typeof k === 'object' && k !== null).map(toKey).filter((k): k is VerificationKey => k !== undefined)
}

const HASH: Readonly<Record<string, string>> = { 256: 'sha256', 384: 'sha384', 512: 'sha512' }

function verifyWith (k: VerificationKey, jwt: ParsedJwt, data: Buffer): boolean {
  const family = jwt.alg.slice(0, 2)
  const hash = HASH[jwt.alg.slice(2)] ?? 'sha256'
  try {
    if (k.kty === 'EC' && family === 'ES') return verify(hash, data, { key: k.key, dsaEncoding: 'ieee-p1363' }, jwt.signature)
    if (k.kty === 'RSA' && family === 'RS') return verify(hash, data, k.key, jwt.signature)
    if (k.kty === 'RSA' && family === 'PS') {
      return verify(hash, data, { key: k.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, jwt.signature)
    }
    if (k.kty === 'OKP' && jwt.alg === 'EdDSA') return verify(null, data, k.key, jwt.signature)
    if (k.kty === 'oct' && family === 'HS') {
      const mac = createHmac(hash, k.key).update(data).digest()
      return mac.length === jwt.signature.length && timingSafeEqual(mac, jwt.signature)
    }
  } catch {
    return false
  }
  return false
}

export type SignatureResult = 'ok' | 'verificationFail' | 'jwksKidAlgMismatch'

export function verifySignature (jwt: ParsedJwt, keys: readonly VerificationKey[]): SignatureResult {
  const data = Buffer.from(`${jwt.headerB64}.${jwt.payloadB64}`)
  let matched = false
  for (const k of keys) {
    if (jwt.kid !== '' && k.kid !== undefined && k.kid !== jwt.kid) continue
    if (k.alg !== undefined && k.alg !== jwt.alg) continue
    matched = true
    if (verifyWith(k, jwt, data)) return 'ok'
  }
  return matched ? 'verificationFail' : 'jwksKidAlgMismatch'
}
