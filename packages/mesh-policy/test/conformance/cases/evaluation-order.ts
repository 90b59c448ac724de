// DENY before ALLOW, AUDIT and dry-run: authz_test.go (TestAuthz_DenyPrincipal, TestAuthz_PathPrecedence),
// the Explicit Deny and Dry Run tasks, and the AuthorizationPolicy reference.
import type { ConformanceGroup } from '../harness.ts'
import { rulesTo, authorizationPolicy, ECHO } from '../yaml.ts'

const AUTHZ = 'istio/istio tests/integration/security/authz_test.go'
const AP_REF = 'https://istio.io/latest/docs/reference/config/security/authorization-policy/'
const DENY_TASK = 'https://istio.io/latest/docs/tasks/security/authorization/authz-deny/'
const DENIED = 'RBAC: access denied'
export const ALLOWED_SA = 'cluster.local/ns/echo1/sa/a'
export const DENIED_SA = 'cluster.local/ns/echo2/sa/a'

const ap = authorizationPolicy

export const denyPrincipal: ConformanceGroup = {
  title: 'a mesh-wide DENY and a workload DENY on a principal',
  source: 'istio/istio tests/integration/security/testdata/authz/deny-global.yaml.tmpl, deny-principal.yaml.tmpl',
  policy: (env) => ap('policy-deny-system', `  action: DENY
  rules:
  - to:
    - operation:
        ports: ["${env.port}"]
        paths: ["/global-deny*"]
        notPaths: ["/global-deny/allow"]
`, { namespace: 'istio-system' }) + ap('echo', `  action: DENY
  rules:
  - to:
    - operation:
        ports: ["${env.port}"]
        paths: ["/deny*"]
        notPaths: ["/deny/allow"]
        methods: ["GET"]
    from:
    - source:
        principals: ["${DENIED_SA}"]
`, { selector: ECHO }),
  cases: [
    { name: 'the allowed caller reaches /deny', source: `${AUTHZ} TestAuthz_DenyPrincipal /deny (allowed caller)`, request: { path: '/deny', peer: ALLOWED_SA }, expect: { status: 200 } },
    { name: 'the denied caller does not reach /deny', source: `${AUTHZ} TestAuthz_DenyPrincipal /deny (denied caller)`, request: { path: '/deny', peer: DENIED_SA }, expect: { status: 403, body: DENIED } },
    { name: 'the query string does not change the path: /deny?param=value', source: `${AUTHZ} TestAuthz_DenyPrincipal /deny?param=value`, request: { path: '/deny?param=value', peer: DENIED_SA }, expect: { status: 403 } },
    { name: 'notPaths exempts /deny/allow', source: `${AUTHZ} TestAuthz_DenyPrincipal /deny/allow`, request: { path: '/deny/allow', peer: DENIED_SA }, expect: { status: 200 } },
    { name: '/allow is reached by the denied caller', source: `${AUTHZ} TestAuthz_DenyPrincipal /allow`, request: { path: '/allow?param=value', peer: DENIED_SA }, expect: { status: 200 } },
    { name: 'the root-namespace DENY applies to this namespace: /global-deny', source: `${AUTHZ} TestAuthz_DenyPrincipal /global-deny`, request: { path: '/global-deny', peer: ALLOWED_SA }, expect: { status: 403 } },
    { name: '/global-deny?param=value', source: `${AUTHZ} TestAuthz_DenyPrincipal /global-deny?param=value`, request: { path: '/global-deny?param=value' }, expect: { status: 403 } },
    { name: '/global-deny/allow is exempt', source: `${AUTHZ} TestAuthz_DenyPrincipal /global-deny/allow`, request: { path: '/global-deny/allow' }, expect: { status: 200 } },
  ],
}

export const pathPrecedence: ConformanceGroup = {
  title: 'DENY takes precedence over ALLOW',
  source: 'istio/istio tests/integration/security/testdata/authz/path-precedence.yaml.tmpl',
  policy: () => ap('deny', '  action: DENY\n' + rulesTo('        paths: ["/allow/admin"]\n')) + ap('allow', '  action: ALLOW\n' + rulesTo('        paths: ["/allow*"]\n')),
  cases: [
    { name: '/allow/admin is denied although /allow* is allowed', source: `${AUTHZ} TestAuthz_PathPrecedence /allow/admin`, request: { path: '/allow/admin' }, expect: { status: 403 } },
    { name: '/allow/admin?param=value', source: `${AUTHZ} TestAuthz_PathPrecedence /allow/admin?param=value`, request: { path: '/allow/admin?param=value' }, expect: { status: 403 } },
    { name: '/allow', source: `${AUTHZ} TestAuthz_PathPrecedence /allow`, request: { path: '/allow' }, expect: { status: 200 } },
    { name: '/allow?param=value', source: `${AUTHZ} TestAuthz_PathPrecedence /allow?param=value`, request: { path: '/allow?param=value' }, expect: { status: 200 } },
    { name: 'a path no ALLOW policy names is denied', source: `${AP_REF} ("If any of the ALLOW policies match the request, allow the request. Deny the request.")`, request: { path: '/other' }, expect: { status: 403 } },
  ],
}

export const explicitDeny: ConformanceGroup = {
  title: 'the Explicit Deny task: DENY GET unless x-token is admin, ALLOW /ip',
  source: DENY_TASK,
  policy: () => ap('deny-method-get', `  action: DENY
  rules:
  - to:
    - operation:
        methods: ["GET"]
    when:
    - key: request.headers[x-token]
      notValues: ["admin"]
`, { selector: ECHO }) + ap('allow-path-ip', '  action: ALLOW\n' + rulesTo('        paths: ["/ip"]\n'), { selector: ECHO }),
  cases: [
    { name: 'GET /ip with x-token guest is denied by the DENY policy', source: `${DENY_TASK} (x-token: guest at /ip)`, request: { path: '/ip', headers: { 'x-token': 'guest' } }, expect: { status: 403 } },
    { name: 'GET /ip with x-token admin is allowed', source: `${DENY_TASK} (x-token: admin at /ip)`, request: { path: '/ip', headers: { 'x-token': 'admin' } }, expect: { status: 200 } },
    { name: 'GET /get with x-token admin matches no ALLOW policy', source: `${DENY_TASK} (x-token: admin at /get)`, request: { path: '/get', headers: { 'x-token': 'admin' } }, expect: { status: 403 } },
    { name: 'GET /ip without x-token: notValues match an absent header, so it is denied', source: `${DENY_TASK}; ${AP_REF} (notValues)`, request: { path: '/ip' }, expect: { status: 403 } },
    { name: 'POST /ip is not a GET: allowed', source: `${DENY_TASK} (POST requests are allowed)`, request: { method: 'POST', path: '/ip' }, expect: { status: 200 } },
  ],
}

export const allowNothingAndAll: ConformanceGroup[] = [
  {
    title: 'allow-nothing and allow-all together',
    source: `${AP_REF} (allow-nothing: spec {}; allow-all: rules [{}])`,
    policy: () => ap('allow-nothing', '  {}\n') + ap('allow-all', '  rules:\n  - {}\n'),
    cases: [{ name: 'one matching ALLOW policy is enough', source: `${AP_REF} ("If any of the ALLOW policies match the request, allow the request")`, request: { method: 'DELETE', path: '/anything' }, expect: { status: 200 } }],
  },
  {
    title: 'allow-nothing alone',
    source: `${AP_REF} (allow-nothing)`,
    policy: () => ap('allow-nothing', '  {}\n'),
    cases: [{ name: 'every request is denied with "RBAC: access denied"', source: 'https://istio.io/latest/docs/tasks/security/authorization/authz-http/ (deny-all shows "RBAC: access denied")', request: { path: '/productpage' }, expect: { status: 403, body: DENIED, responseHeaders: { 'content-type': 'text/plain' } } }],
  },
  {
    title: 'DENY-only workload, AUDIT and dry-run',
    source: `${AP_REF} (AUDIT example); https://istio.io/latest/docs/tasks/security/authorization/authz-dry-run/`,
    policy: () => ap('audit', '  action: AUDIT\n' + rulesTo('        methods: ["GET"]\n        paths: ["/user/profile/*"]\n'), { selector: ECHO }) +
      ap('deny-admin', '  action: DENY\n' + rulesTo('        paths: ["/admin*"]\n')) +
      ap('dry-run-deny', '  action: DENY\n' + rulesTo('        paths: ["/headers"]\n'), { annotations: { 'istio.io/dry-run': 'true' } }),
    cases: [
      { name: 'no ALLOW policy: a request no DENY matches is allowed', source: `${AP_REF} ("If there are no ALLOW policies for the workload, allow the request")`, request: { path: '/ip' }, expect: { status: 200 } },
      { name: 'the DENY policy denies /admin', source: `${AP_REF} ("If there are any DENY policies that match the request, deny the request")`, request: { path: '/admin/users' }, expect: { status: 403 } },
      { name: 'an AUDIT match neither allows nor denies; the request is logged for audit', source: `${AP_REF} ("AUDIT policies do not affect whether requests are allowed or denied")`, request: { path: '/user/profile/me' }, expect: { status: 200, logs: ['"audit":["audit"]'] } },
      { name: 'a dry-run DENY is not enforced; its result is logged', source: 'https://istio.io/latest/docs/tasks/security/authorization/authz-dry-run/', request: { path: '/headers' }, expect: { status: 200, logs: ['"dryRun":{"allowed":false,"matched":["DENY dry-run-deny"]}'] } },
    ],
  },
]
