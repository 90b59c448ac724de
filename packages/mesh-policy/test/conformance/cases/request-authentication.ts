// RequestAuthentication as Istio's integration tests exercise it (tests/integration/security/jwt_test.go,
// TestRequestAuthentication, with the policies of testdata/requestauthn/*.yaml.tmpl).
import type { ConformanceGroup } from '../harness.ts'
import { allowGetFrom, ECHO, jwtRule, requestAuthentication } from '../yaml.ts'
import { ISSUER_1, ISSUER_2, payloadOf } from '../tokens.ts'

const JWT_TEST = 'istio/istio tests/integration/security/jwt_test.go TestRequestAuthentication'
const RA_REF = 'https://istio.io/latest/docs/reference/config/security/request_authentication/'
const DENIED = 'RBAC: access denied'

const ra = (rules: string): string => requestAuthentication('echo', `  jwtRules:\n${rules}`, { selector: ECHO })

const allowSub1Get = allowGetFrom(`${ISSUER_1}/sub-1`)

export const authnOnly: ConformanceGroup = {
  title: 'RequestAuthentication only (no authorization policy)',
  source: 'istio/istio tests/integration/security/testdata/requestauthn/authn-only.yaml.tmpl',
  policy: (env) => ra(jwtRule(ISSUER_1, env.jwksUri, `    outputPayloadToHeader: "x-test-payload"
    outputClaimToHeaders:
    - header: "x-jwt-iss"
      claim: "iss"
    - header: "x-jwt-iat"
      claim: "iat"
    - header: "x-jwt-nested-claim"
      claim: "nested.nested-2.key2"
`) + jwtRule(ISSUER_2, env.jwksUri, '    outputPayloadToHeader: "x-test-payload"\n')),
  cases: [
    {
      name: 'a valid token passes; the route gets the payload and claims as headers, not the token',
      source: `${JWT_TEST}/authn-only/valid-token-noauthz`,
      request: { path: '/valid-token-noauthz', bearer: 'issuer1' },
      expect: {
        status: 200,
        seen: (env) => ({ headers: { authorization: null, 'x-test-payload': payloadOf(env.tokens.issuer1), 'x-jwt-iss': ISSUER_1, 'x-jwt-iat': '1562182722' } }),
      },
    },
    {
      name: 'a valid token of the second rule passes',
      source: `${JWT_TEST}/authn-only/valid-token-2-noauthz`,
      request: { path: '/valid-token-2-noauthz', bearer: 'issuer2' },
      expect: { status: 200, seen: (env) => ({ headers: { authorization: null, 'x-test-payload': payloadOf(env.tokens.issuer2) } }) },
    },
    {
      name: 'an expired token is 401 "Jwt is expired"',
      source: `${JWT_TEST}/authn-only/expired-token-noauthz`,
      request: { path: '/expired-token-noauthz', bearer: 'expired' },
      expect: { status: 401, body: 'Jwt is expired' },
    },
    {
      name: 'a CORS preflight passes even with an expired token',
      source: `${JWT_TEST}/authn-only/expired-token-cors-preflight-request-allowed`,
      request: { method: 'OPTIONS', path: '/preflight', bearer: 'expired', headers: { 'access-control-request-method': 'POST', origin: 'https://istio.io' } },
      expect: { status: 200 },
    },
    {
      name: 'an OPTIONS request without Origin is no preflight: the expired token is 401',
      source: `${JWT_TEST}/authn-only/expired-token-bad-cors-preflight-request-rejected`,
      request: { method: 'OPTIONS', path: '/preflight', bearer: 'expired', headers: { 'access-control-request-method': 'POST' } },
      expect: { status: 401 },
    },
    {
      name: 'no token passes (no identity)',
      source: `${JWT_TEST}/authn-only/no-token-noauthz`,
      request: { path: '/no-token-noauthz' },
      expect: { status: 200 },
    },
    {
      name: 'a nested claim reaches its header, replacing a value the client sent',
      source: `${JWT_TEST}/authn-only/valid-nested-claim-token`,
      request: { path: '/valid-token-noauthz', bearer: 'issuer1WithNestedClaims2', headers: { 'x-jwt-nested-claim': 'value_to_be_replaced' } },
      expect: { status: 200, seen: (env) => ({ headers: { 'x-test-payload': payloadOf(env.tokens.issuer1WithNestedClaims2), 'x-jwt-nested-claim': 'valueC' } }) },
    },
    {
      name: 'without a token, output headers the client sent are removed',
      source: `${RA_REF} (outputPayloadToHeader, outputClaimToHeaders: written by the proxy only)`,
      request: { path: '/forged', headers: { 'x-test-payload': 'forged', 'x-jwt-iss': 'forged' } },
      expect: { status: 200, seen: { headers: { 'x-test-payload': null, 'x-jwt-iss': null } } },
    },
    {
      name: 'a token that is not a JWT is 401',
      source: 'https://istio.io/latest/docs/tasks/security/authorization/authz-jwt/ (invalid JWT is denied)',
      request: { path: '/headers', headers: { authorization: 'Bearer invalidToken' } },
      expect: { status: 401, body: 'Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections' },
    },
  ],
}

export const authnAuthz: ConformanceGroup = {
  title: 'RequestAuthentication with an ALLOW policy on the request principal',
  source: 'istio/istio tests/integration/security/testdata/requestauthn/authn-authz.yaml.tmpl',
  policy: (env) => ra(jwtRule(ISSUER_1, env.jwksUri)) + allowSub1Get,
  cases: [
    {
      name: 'a valid token is allowed and removed before the route',
      source: `${JWT_TEST}/authn-authz/valid-token`,
      request: { path: '/valid-token', bearer: 'issuer1' },
      expect: { status: 200, seen: { headers: { authorization: null } } },
    },
    { name: 'an expired token is 401', source: `${JWT_TEST}/authn-authz/expired-token`, request: { path: '/expired-token', bearer: 'expired' }, expect: { status: 401 } },
    { name: 'no token is 403', source: `${JWT_TEST}/authn-authz/no-token`, request: { path: '/no-token' }, expect: { status: 403, body: DENIED } },
    {
      name: 'a validly signed token from an issuer no rule names is 401, not anonymous',
      source: `${RA_REF} ("It will reject a request if the request contains invalid authentication information")`,
      request: { path: '/other-issuer', bearer: 'issuer2' },
      expect: { status: 401, body: 'Jwt issuer is not configured' },
    },
    {
      name: 'a valid token on a method the policy does not allow is 403',
      source: 'istio/istio tests/integration/security/testdata/requestauthn/authn-authz.yaml.tmpl (methods: GET)',
      request: { method: 'POST', path: '/valid-token', bearer: 'issuer1' },
      expect: { status: 403, body: DENIED },
    },
  ],
}

export const forwardAndTimeout: ConformanceGroup[] = [
  {
    title: 'forwardOriginalToken keeps the token for the route',
    source: 'istio/istio tests/integration/security/testdata/requestauthn/forward.yaml.tmpl',
    policy: (env) => ra(jwtRule(ISSUER_1, env.jwksUri, '    outputPayloadToHeader: "x-test-payload"\n    forwardOriginalToken: true\n')),
    cases: [{
      name: 'the route sees the original Authorization header and the payload header',
      source: `${JWT_TEST}/forward/valid-token-forward`,
      request: { path: '/valid-token-forward', bearer: 'issuer1' },
      expect: { status: 200, seen: (env) => ({ headers: { authorization: `Bearer ${env.tokens.issuer1}`, 'x-test-payload': payloadOf(env.tokens.issuer1) } }) },
    }],
  },
  {
    title: 'a JWKS slower than the rule\'s timeout',
    source: 'istio/istio tests/integration/security/testdata/requestauthn/timeout.yaml.tmpl',
    policy: (env) => ra(jwtRule(ISSUER_1, env.slowJwksUri, '    forwardOriginalToken: true\n    timeout: "10ms"\n')),
    cases: [{
      name: 'a valid token is 401 when its keys cannot be fetched in time',
      source: `${JWT_TEST}/timeout/valid-token-forward-remote-jwks`,
      request: { path: '/valid-token-forward-remote-jwks', bearer: 'issuer1' },
      expect: { status: 401, body: 'Jwks remote fetch is failed' },
    }],
  },
]
