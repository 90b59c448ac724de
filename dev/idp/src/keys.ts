import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ConfigError } from '@bookinfo/service-kit'

/** A private JWK as oidc-provider takes it (RSA, with `d`). */
export type PrivateJwk = JsonWebKey & { kid: string, alg?: string, use?: string }

/** Loads the signing keys (a JWKS with private keys) or, without a file, makes one RS256 key in memory. */
export function loadSigningKeys (file: string | undefined): PrivateJwk[] {
  if (file === undefined) return [generateRsaKey()]
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new ConfigError(`invalid IDP_KEYS_FILE ${file}: ${(err as Error).message}`)
  }
  const keys = (parsed as { keys?: unknown }).keys
  if (!Array.isArray(keys) || keys.length === 0) throw new ConfigError(`invalid IDP_KEYS_FILE ${file}: expected {"keys": [...]}`)
  const hasRsaPrivate = keys.some((k: JsonWebKey) => k.kty === 'RSA' && typeof k.d === 'string')
  if (!hasRsaPrivate) throw new ConfigError(`invalid IDP_KEYS_FILE ${file}: needs at least one private RSA key (RS256)`)
  return keys as PrivateJwk[]
}

export function generateRsaKey (): PrivateJwk {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' }
}

/** The public half of each key, for verifying our own tokens (/userinfo). */
export function publicJwks (keys: PrivateJwk[]): { keys: JsonWebKey[] } {
  return {
    keys: keys.map(({ d, p, q, dp, dq, qi, oth, k, ...pub }) => pub),
  }
}

export function randomCookieKeys (): string[] {
  return [randomBytes(32).toString('base64url')]
}
