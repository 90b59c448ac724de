// Where tokens are read and which rules apply: a mesh-wide RequestAuthentication with two issuers
// (jwt_test.go TestIngressRequestAuthentication, in-mesh cases), cookies, and the bearer prefix.
import type { ConformanceGroup } from '../harness.ts'
import { authorizationPolicy, jwtRule, requestAuthentication } from '../yaml.ts'
import { ISSUER_1, ISSUER_2 } from '../tokens.ts'

const RA_REF = 'https://istio.io/latest/docs/reference/config/security/request_authentication/'
const DENIED = 'RBAC: access denied'

export const meshWideTwoIssuers: ConformanceGroup = {
  title: 'a RequestAuthentication in the root namespace with two issuers',
  source: 'istio/istio tests/integration/security/testdata/requestauthn/global-jwt.yaml.tmpl (namespace istio-system)',
  policy: (env) => requestAuthentication('default', `  jwtRules:\n${jwtRule(ISSUER_1, env.jwksUri)}${jwtRule(ISSUER_2, env.jwksUri)}`, { namespace: 'istio-system' }),
  cases: [
    { name: 'an expired token is 401 in every namespace', source: 'istio/istio tests/integration/security/jwt_test.go TestIngressRequestAuthentication/in-mesh-authn/in-mesh-with-expired-token', request: { bearer: 'expired' }, expect: { status: 401, body: 'Jwt is expired' } },
    { name: 'no token passes', source: 'istio/istio tests/integration/security/jwt_test.go TestIngressRequestAuthentication/in-mesh-authn/in-mesh-without-token', request: {}, expect: { status: 200 } },
    { name: 'a token of either issuer passes', source: `${RA_REF} ("Define the list of JWTs that can be validated")`, request: { bearer: 'issuer2' }, expect: { status: 200 } },
    {
      name: 'a token of a third issuer is 401 "Jwt issuer is not configured"',
      source: `${RA_REF} ("A JWT with different iss claim will be rejected")`,
      request: { bearer: 'issuer3' },
      expect: { status: 401, body: 'Jwt issuer is not configured' },
    },
    {
      name: '`Authorization: bearer <token>` (lower case) is no token: the request passes without identity',
      source: `${RA_REF} (default location "The Authorization header using the Bearer schema"; Envoy matches the prefix "Bearer " exactly)`,
      request: { headers: (env) => ({ authorization: `bearer ${env.tokens.expired}` }) },
      expect: { status: 200, seen: (env) => ({ headers: { authorization: `bearer ${env.tokens.expired}` } }) },
    },
    {
      name: 'a token in the access_token query parameter is checked too',
      source: `${RA_REF} (default location "The access_token query parameter")`,
      request: { path: (env) => `/q?access_token=${env.tokens.expired}` },
      expect: { status: 401, body: 'Jwt is expired' },
    },
  ],
}

export const cookies: ConformanceGroup = {
  title: 'fromCookies',
  source: `${RA_REF} (fromCookies)`,
  policy: (env) => requestAuthentication('echo', `  jwtRules:\n${jwtRule(ISSUER_1, env.jwksUri, '    fromCookies: ["auth-token"]\n')}`) +
    authorizationPolicy('require-jwt', '  rules:\n  - from:\n    - source:\n        requestPrincipals: ["*"]\n'),
  cases: [
    { name: 'a token in the configured cookie passes', source: `${RA_REF} (fromCookies)`, request: { headers: (env) => ({ cookie: `session=abc; auth-token=${env.tokens.issuer1}` }) }, expect: { status: 200 } },
    { name: 'an expired token in the cookie is 401', source: `${RA_REF} (fromCookies)`, request: { headers: (env) => ({ cookie: `auth-token=${env.tokens.expired}` }) }, expect: { status: 401, body: 'Jwt is expired' } },
    { name: 'a bearer token is not read when only a cookie is configured: 403', source: `${RA_REF} (fromCookies)`, request: { bearer: 'issuer1' }, expect: { status: 403, body: DENIED } },
  ],
}
