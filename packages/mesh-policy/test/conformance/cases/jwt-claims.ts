// AuthorizationPolicy on JWT attributes: istio/istio tests/integration/security/authz_test.go
// TestAuthz_JWT with testdata/authz/jwt.yaml.tmpl, plus the JWT task's list-typed claims.
import type { ConformanceCase, ConformanceGroup } from '../harness.ts'
import { authorizationPolicy, ECHO, jwtRule, requestAuthentication } from '../yaml.ts'
import { ISSUER_1, ISSUER_2, type TokenName } from '../tokens.ts'

const TEST = 'istio/istio tests/integration/security/authz_test.go TestAuthz_JWT'

const rule = (path: string, extra: string): string => `  - to:
    - operation:
        paths: ["${path}"]
        methods: ["GET"]
${extra}`
const when = (key: string, values: string[]): string => `    when:
    - key: ${key}
      values: ${JSON.stringify(values)}
`

const POLICY = [
  rule('/token1', `    from:\n    - source:\n        requestPrincipals: ["${ISSUER_1}/sub-1"]\n`),
  rule('/token2', when('request.auth.claims[groups]', ['group-2'])),
  rule('/tokenAny', '    from:\n    - source:\n        requestPrincipals: ["*"]\n'),
  rule('/scope', when('request.auth.claims[scope]', ['append', 'write'])),
  rule('/otherscope', when('request.auth.claims[scope]', ['admin'])),
  rule('/permission', when('request.auth.claims[permission]', ['write', 'append'])),
  rule('/custom-scope-admin', when('request.auth.claims[custom_scope]', ['admin'])),
  rule('/custom-scope-user', when('request.auth.claims[custom_scope]', ['user'])),
  rule('/nested-key1', when('request.auth.claims[nested][key1]', ['valueB'])),
  rule('/nested-non-exist', when('request.auth.claims[nested][non-exist]', ['valueC'])),
  rule('/nested-key2', when('request.auth.claims[nested][key2]', ['valueC'])),
  rule('/nested-2-key1', when('request.auth.claims[nested][nested-2][key1]', ['valueA'])),
  `  - to:\n    - operation:\n        paths: ["*/presenter"]\n${when('request.auth.presenter', ['bar'])}`,
  `  - to:\n    - operation:\n        paths: ["*/audiences"]\n${when('request.auth.audiences', ['foo'])}`,
  rule('/token3', `    from:\n    - source:\n        notRequestPrincipals: ["${ISSUER_1}/sub-1"]\n`),
  `  - to:\n    - operation:\n        paths: ["/valid-jwt"]\n${when('request.auth.principal', ['*'])}`,
].join('')

/** [prefix in Istio's test, token, path, allowed] */
const TABLE: Array<[string, TokenName | undefined, string, boolean]> = [
  ['[No JWT]', undefined, '/token1', false],
  ['[No JWT]', undefined, '/token2', false],
  ['[Token1]', 'issuer1', '/token1', true],
  ['[Token1]', 'issuer1', '/token2', false],
  ['[Token2]', 'issuer2', '/token1', false],
  ['[Token2]', 'issuer2', '/token2', true],
  ['[Token3]', 'issuer1', '/token3', false],
  ['[Token3]', 'issuer2', '/token3', true],
  ['[Token1]', 'issuer1', '/tokenAny', true],
  ['[Token2]', 'issuer2', '/tokenAny', true],
  ['[PermissionToken1]', 'issuer1', '/permission', false],
  ['[PermissionToken2]', 'issuer2', '/permission', false],
  ['[PermissionTokenWithSpaceDelimitedPermission]', 'issuer2WithSpaceDelimitedPermission', '/permission', true],
  ['[PermissionTokenWithSpaceDelimitedScope]', 'issuer2WithSpaceDelimitedScope', '/scope', true],
  ['[PermissionTokenWithSpaceDelimitedScope]', 'issuer2WithSpaceDelimitedScope', '/otherscope', false],
  ['[CustomScopeToken]', 'issuer2WithCustomScope', '/custom-scope-admin', true],
  ['[CustomScopeToken]', 'issuer2WithCustomScope', '/custom-scope-user', true],
  ['[NoJWT]', undefined, '/custom-scope-admin', false],
  ['[NoJWT]', undefined, '/custom-scope-user', false],
  ['[Token1]', 'issuer1', '/custom-scope-admin', false],
  ['[Token1]', 'issuer1', '/custom-scope-user', false],
  ['[NestedToken1]', 'issuer1WithNestedClaims1', '/nested-key1', true],
  ['[NestedToken2]', 'issuer1WithNestedClaims2', '/nested-key1', false],
  ['[NestedToken1]', 'issuer1WithNestedClaims1', '/nested-key2', false],
  ['[NestedToken2]', 'issuer1WithNestedClaims2', '/nested-key2', true],
  ['[NestedToken1]', 'issuer1WithNestedClaims1', '/nested-2-key1', true],
  ['[NestedToken2]', 'issuer1WithNestedClaims2', '/nested-2-key1', false],
  ['[NestedToken1]', 'issuer1WithNestedClaims1', '/nested-non-exist', false],
  ['[NestedToken2]', 'issuer1WithNestedClaims2', '/nested-non-exist', false],
  ['[NoJWT]', undefined, '/tokenAny', false],
  ['[JWTWithAud]', 'issuer1WithAud', '/audiences', true],
  ['[JWTWithAudList]', 'issuer1WithAudList', '/audiences', true],
]

const fromTable: ConformanceCase[] = TABLE.map(([prefix, token, path, allowed]) => ({
  name: `${prefix} ${path} → ${allowed ? 200 : 403}`,
  source: `${TEST} ${prefix} ${path}`,
  request: { path, bearer: token },
  expect: { status: allowed ? 200 : 403 },
}))

const policyDoc = '(istio/istio tests/integration/security/testdata/authz/jwt.yaml.tmpl)'

export const jwtAuthorization: ConformanceGroup = {
  title: 'authorization on JWT principals, claims, audiences and presenter',
  source: 'istio/istio tests/integration/security/testdata/authz/jwt.yaml.tmpl',
  policy: (env) => requestAuthentication('default', `  jwtRules:\n${jwtRule(ISSUER_1, env.jwksUri)}${jwtRule(ISSUER_2, env.jwksUri, '    spaceDelimitedClaims: ["custom_scope", "teams"]\n')}`) +
    authorizationPolicy('echo', `  rules:\n${POLICY}`, { selector: ECHO }),
  cases: [
    ...fromTable,
    { name: 'presenter (azp) bar → 200', source: `${policyDoc} "*/presenter"; https://istio.io/latest/docs/reference/config/security/conditions/ (request.auth.presenter)`, request: { path: '/x/presenter', bearer: 'issuer1WithAzp' }, expect: { status: 200 } },
    { name: 'no presenter → 403', source: `${policyDoc} "*/presenter"`, request: { path: '/x/presenter', bearer: 'issuer1' }, expect: { status: 403 } },
    { name: 'request.auth.principal "*" with a token → 200', source: `${policyDoc} "/valid-jwt"`, request: { path: '/valid-jwt', bearer: 'issuer2' }, expect: { status: 200 } },
    {
      name: 'request.auth.principal "*" needs a `sub`: a valid token without one → 403',
      source: `${policyDoc} "/valid-jwt"; https://istio.io/latest/docs/reference/config/security/authorization-policy/ (requestPrincipals "<ISS>/<SUB>")`,
      request: { path: '/valid-jwt', bearer: 'issuer1NoSub' },
      expect: { status: 403 },
    },
  ],
}
