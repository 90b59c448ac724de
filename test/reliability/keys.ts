// A signing key for the bundled IdP that outlives its process (IDP_KEYS_FILE), as a real IdP's keys do: tokens
// issued before an IdP restart stay valid after it.
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Writes `{"keys":[<private RS256 JWK>]}` into `dir` and returns its path. */
export function writeIdpKeys (dir: string): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const file = join(dir, 'idp-keys.json')
  writeFileSync(file, JSON.stringify({ keys: [{ ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' }] }), { mode: 0o600 })
  return file
}
