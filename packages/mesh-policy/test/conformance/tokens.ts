// The tokens of Istio's integration tests (tests/common/jwt/jwt_token.go): the same claims, signed here
// with our own RSA keys and served from a loopback JWKS, so each case runs against real signatures.
import type { JWTPayload } from 'jose'
import { createIssuer, type TestIssuer } from '../helpers.ts'

export const ISSUER_1 = 'test-issuer-1@istio.io'
export const ISSUER_2 = 'test-issuer-2@istio.io'
export const ISSUER_3 = 'test-issuer-3@istio.io'
const EXP = 4_715_782_722

export const TOKEN_PAYLOADS = {
  issuer1: { exp: EXP, groups: ['group-1'], iat: 1562182722, iss: ISSUER_1, sub: 'sub-1' },
  issuer1WithAud: { aud: 'foo', exp: EXP, iat: 1579394801, iss: ISSUER_1, sub: 'sub-1' },
  issuer1WithAudList: { aud: ['foo', 'buzz'], exp: EXP, iat: 1715125993, iss: ISSUER_1, sub: 'sub-1' },
  issuer1WithAzp: { azp: 'bar', exp: EXP, iat: 1580525453, iss: ISSUER_1, sub: 'sub-1' },
  issuer1WithNestedClaims1: { exp: EXP, iat: 1604007896, iss: ISSUER_1, nested: { key1: ['valueA', 'valueB'], 'nested-2': { key1: ['valueA', 'valueB'] } }, sub: 'sub-1' },
  issuer1WithNestedClaims2: { exp: EXP, iat: 1604008018, iss: ISSUER_1, nested: { key2: 'valueC', 'nested-2': { key2: 'valueC' } }, sub: 'sub-1' },
  issuer2: { exp: EXP, groups: ['group-2'], iat: 1562182783, iss: ISSUER_2, sub: 'sub-2' },
  issuer2WithSpaceDelimitedPermission: { exp: EXP, iat: 1577132495, iss: ISSUER_2, permission: 'read write', sub: 'sub-2' },
  issuer2WithSpaceDelimitedScope: { exp: EXP, iat: 1753254242, iss: ISSUER_2, scope: 'write read', sub: 'sub-2' },
  issuer2WithCustomScope: { custom_scope: 'admin user', exp: EXP, iat: 1754409267, iss: ISSUER_2, sub: 'sub-2' },
  issuer3: { exp: EXP, groups: ['group-1'], iat: 1694201434, iss: ISSUER_3, sub: 'sub-1' },
  expired: { exp: 1562182856, groups: ['group-1'], iat: 1562182855, iss: ISSUER_1, sub: 'sub-1' },
  // Not in Istio's set: a token without `sub`, and one whose audience differs only by scheme and slash.
  issuer1NoSub: { exp: EXP, iat: 1562182722, iss: ISSUER_1 },
  issuer1WithUrlAud: { aud: 'https://foo/', exp: EXP, iat: 1562182722, iss: ISSUER_1, sub: 'sub-1' },
} satisfies Record<string, JWTPayload>

export type TokenName = keyof typeof TOKEN_PAYLOADS

export interface TokenTable {
  /** The signing key of all three test issuers (Istio's tests also share one key). */
  key: TestIssuer
  /** A key that is not in the JWKS, with the same kid: its signatures never verify. */
  forger: TestIssuer
  tokens: Record<TokenName, string>
}

export async function createTokens (): Promise<TokenTable> {
  const key = await createIssuer(ISSUER_1, 'istio-test-key')
  const forger = await createIssuer(ISSUER_1, 'istio-test-key')
  const entries = await Promise.all(Object.entries(TOKEN_PAYLOADS).map(async ([name, payload]) => [name, await key.signExact(payload)] as const))
  return { key, forger, tokens: Object.fromEntries(entries) as Record<TokenName, string> }
}

/** The payload part of a token, as Envoy writes it with outputPayloadToHeader. */
export const payloadOf = (token: string): string => token.split('.')[1] ?? ''
