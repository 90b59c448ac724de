// jwtRules: audiences, key sources and token locations (jwt_test.go TestRequestAuthentication and
// TestIngressRequestAuthentication, and the RequestAuthentication reference).
import type { ConformanceGroup } from '../harness.ts'
import { allowGetFrom, ECHO, jwtRule, requestAuthentication } from '../yaml.ts'
import { ISSUER_1, ISSUER_2 } from '../tokens.ts'

const JWT_TEST = 'istio/istio tests/integration/security/jwt_test.go TestRequestAuthentication'
const RA_REF = 'https://istio.io/latest/docs/reference/config/security/request_authentication/'
const DATA = 'istio/istio tests/integration/security/testdata/requestauthn'
const DENIED = 'RBAC: access denied'

export const audiences: ConformanceGroup = {
  title: 'audiences, with two RequestAuthentications on one workload',
  source: `${DATA}/aud.yaml.tmpl`,
  policy: (env) => requestAuthentication('echo-part1', `  jwtRules:\n${jwtRule(ISSUER_1, env.jwksUri, '    audiences: ["foo"]\n')}${jwtRule(ISSUER_2, env.jwksUri, '    audiences: ["bar"]\n')}`, { selector: ECHO }) +
    requestAuthentication('echo-part2', `  jwtRules:\n${jwtRule(ISSUER_2, env.jwksUri)}`, { selector: ECHO }),
  cases: [
    {
      name: 'a token without an allowed audience is 403 "Audiences in Jwt are not allowed"',
      source: `${JWT_TEST}/aud/invalid-aud`,
      request: { path: '/valid-aud', bearer: 'issuer1' },
      expect: { status: 403, body: 'Audiences in Jwt are not allowed', responseHeaders: { 'www-authenticate': 'error="invalid_token"' } },
    },
    { name: 'a token with the allowed audience passes', source: `${JWT_TEST}/aud/valid-aud`, request: { path: '/valid-aud', bearer: 'issuer1WithAud' }, expect: { status: 200 } },
    {
      name: 'rules of two RequestAuthentications combine: the second accepts what the first refuses',
      source: `${JWT_TEST}/aud/verify-policies-are-combined`,
      request: { path: '/verify-policies-are-combined', bearer: 'issuer2' },
      expect: { status: 200 },
    },
    {
      name: 'a list `aud` passes when one element is allowed',
      source: 'istio/istio tests/common/jwt/jwt_token.go TokenIssuer1WithAudList; ' + RA_REF + ' (audiences: "A JWT containing any of these audiences will be accepted")',
      request: { path: '/aud-list', bearer: 'issuer1WithAudList' },
      expect: { status: 200 },
    },
    {
      name: 'audiences are compared without scheme and trailing slash: "https://foo/" is "foo"',
      source: `${RA_REF} (audiences; the comparison is Envoy jwt_authn's, which Istio configures)`,
      request: { path: '/url-aud', bearer: 'issuer1WithUrlAud' },
      expect: { status: 200 },
    },
  ],
}

export const keySources: ConformanceGroup[] = [
  {
    title: 'a JWKS that cannot be fetched',
    source: `${DATA}/invalid-jwks.yaml.tmpl`,
    policy: (env) => requestAuthentication('echo', `  jwtRules:\n${jwtRule(ISSUER_1, env.deadJwksUri)}`),
    cases: [
      { name: 'a valid token is 401', source: `${JWT_TEST}/invalid-jwks/invalid-jwks-valid-token-noauthz`, request: { bearer: 'issuer1' }, expect: { status: 401 } },
      { name: 'an expired token is 401', source: `${JWT_TEST}/invalid-jwks/invalid-jwks-expired-token-noauthz`, request: { path: '/invalid-jwks-valid-token-noauthz', bearer: 'expired' }, expect: { status: 401 } },
      { name: 'no token passes', source: `${JWT_TEST}/invalid-jwks/invalid-jwks-no-token-noauthz`, request: { path: '/invalid-jwks-no-token-noauthz' }, expect: { status: 200 } },
    ],
  },
  {
    title: 'keys from OpenID discovery and inline jwks',
    source: `${RA_REF} (jwksUri "Optional if the key set document can be retrieved from OpenID Discovery of the issuer"; jwks)`,
    policy: (env) => requestAuthentication('discovered', `  jwtRules:\n  - issuer: "${env.discoveryIssuer}"\n  - issuer: "${ISSUER_1}"\n    jwks: '${env.inlineJwks}'\n`, { selector: ECHO }) + allowGetFrom('*'),
    cases: [
      { name: 'a token of the issuer whose keys come from OpenID discovery passes', source: `${RA_REF} (jwksUri, OpenID Discovery)`, request: { headers: (env) => ({ authorization: `Bearer ${env.discoveryToken}` }) }, expect: { status: 200 } },
      { name: 'a token checked against the inline jwks passes', source: `${RA_REF} (jwks)`, request: { bearer: 'issuer1' }, expect: { status: 200 } },
      { name: 'a token signed with another key is 401 "Jwt verification fails"', source: `${RA_REF} (jwks)`, request: { path: '/forged', headers: (env) => ({ authorization: `Bearer ${env.tokens.issuer1.split('.').slice(0, 2).join('.')}.${Buffer.from('x'.repeat(256)).toString('base64url')}` }) }, expect: { status: 401, body: 'Jwt verification fails' } },
    ],
  },
]

export const tokenLocations: ConformanceGroup = {
  title: 'fromHeaders and fromParams',
  source: `${DATA}/headers-params.yaml.tmpl`,
  policy: (env) => requestAuthentication('echo', `  jwtRules:\n${jwtRule(ISSUER_1, env.jwksUri, `    fromHeaders:
    - name: "x-jwt-token"
      prefix: "Value "
    - name: "auth-token"
      prefix: "Token "
    fromParams: ["token", "secondary_token"]
`)}`, { selector: ECHO }) + allowGetFrom(`${ISSUER_1}/sub-1`),
  cases: [
    { name: 'a token in the first parameter', source: `${JWT_TEST}/headers-params/valid-params`, request: { path: (env) => `/valid-token?token=${env.tokens.issuer1}` }, expect: { status: 200 } },
    { name: 'a token in the second parameter', source: `${JWT_TEST}/headers-params/valid-params-secondary`, request: { path: (env) => `/valid-token?secondary_token=${env.tokens.issuer1}` }, expect: { status: 200 } },
    { name: 'a token in an unconfigured parameter is not seen: 403', source: `${JWT_TEST}/headers-params/invalid-params`, request: { path: (env) => `/valid-token?token_value=${env.tokens.issuer1}` }, expect: { status: 403, body: DENIED } },
    { name: 'two valid tokens pass', source: `${JWT_TEST}/headers-params/valid-token-set`, request: { path: (env) => `/valid-token?token=${env.tokens.issuer1}&secondary_token=${env.tokens.issuer1}` }, expect: { status: 200 } },
    { name: 'one valid and one expired token is 401: every token must verify', source: `${JWT_TEST}/headers-params/invalid-token-set`, request: { path: (env) => `/valid-token?token=${env.tokens.issuer1}&secondary_token=${env.tokens.expired}` }, expect: { status: 401 } },
    { name: 'a token in the first header after its prefix', source: `${JWT_TEST}/headers-params/valid-header`, request: { headers: (env) => ({ 'x-jwt-token': `Value ${env.tokens.issuer1}` }) }, expect: { status: 200 } },
    { name: 'a token in the second header after its prefix', source: `${JWT_TEST}/headers-params/valid-header-secondary`, request: { headers: (env) => ({ 'auth-token': `Token ${env.tokens.issuer1}` }) }, expect: { status: 200 } },
    { name: 'a token in an unconfigured header is not seen: 403', source: `${JWT_TEST}/headers-params/invalid-header`, request: { headers: (env) => ({ 'auth-header-param': `Bearer ${env.tokens.issuer1}` }) }, expect: { status: 403, body: DENIED } },
    {
      name: 'with fromHeaders set, Authorization: Bearer is not a token location any more: 403',
      source: `${RA_REF} ("If no explicit location is specified the following default locations are tried")`,
      request: { bearer: 'issuer1' },
      expect: { status: 403, body: DENIED },
    },
  ],
}
