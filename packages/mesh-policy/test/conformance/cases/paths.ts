// Paths: Istio's default normalisation (authz_test.go TestAuthz_PathNormalization; the Authorization
// Policy Normalization reference) and path templates (TestAuthz_PathTemplating; the reference).
import type { ConformanceCase, ConformanceGroup } from '../harness.ts'
import { authorizationPolicy, ECHO, rulesTo } from '../yaml.ts'

const AUTHZ = 'istio/istio tests/integration/security/authz_test.go'
const NORM_REF = 'https://istio.io/latest/docs/reference/config/security/normalization/'
const AP_REF = 'https://istio.io/latest/docs/reference/config/security/authorization-policy/'

const NORMALIZATION: Array<[string, boolean]> = [
  ['/public', true], ['/public/../public', true], ['/private', false], ['/public/../private', false],
  ['/public/./../private', false], ['/public/.././private', false], ['/public/%2E%2E/private', false], ['/public/%2e%2e/private', false],
  ['/public/%2E/%2E%2E/private', false], ['/public/%2e/%2e%2e/private', false], ['/public/%2E%2E/%2E/private', false], ['/public/%2e%2e/%2e/private', false],
]

const normalizationCases: ConformanceCase[] = NORMALIZATION.map(([path, allowed]) => ({
  name: `${path} → ${allowed ? 200 : 403}`,
  source: `${AUTHZ} TestAuthz_PathNormalization ${path}`,
  request: { path },
  expect: { status: allowed ? 200 : 403 },
}))

const seen = (path: string, url: string, name: string, source = NORM_REF): ConformanceCase =>
  ({ name, source, request: { path }, expect: { status: 200, seen: { url } } })

export const pathNormalization: ConformanceGroup = {
  title: 'path normalisation before authorization and routing',
  source: 'istio/istio tests/integration/security/testdata/authz/path-normalization.yaml.tmpl',
  policy: () => authorizationPolicy('echo', rulesTo('        paths: ["/public*"]\n        methods: ["GET"]\n'), { selector: ECHO }),
  cases: [
    ...normalizationCases,
    seen('/public/../public', '/public', 'the route sees the normalised path', `${NORM_REF} ("The normalized request will be used for both the evaluation of authorization policies and the request that is ultimately sent to the backend server")`),
    seen('/public/%61%62%63?x=/../y', '/public/abc?x=/../y', 'escapes of unreserved characters are decoded; the query is left alone'),
    seen('/public\\data', '/public/data', 'a backslash becomes a slash'),
    seen('/public/./data/abc/../xyz', '/public/data/xyz', 'dot segments are resolved'),
    seen('/public//data', '/public//data', 'double slashes are kept (MERGE_SLASHES is not the default)'),
    seen('/public%2F..%2Fprivate', '/public%2F..%2Fprivate', 'escaped slashes are kept as sent (decoding them is not the default)'),
    { name: '%00 is refused with 400', source: `${NORM_REF} ("%00: The request will always be rejected with HTTP code 400")`, request: { path: '/public%00' }, expect: { status: 400, body: '' } },
    { name: 'a lower-case method is refused with 400', source: `${NORM_REF} ("Istio will reject requests with HTTP 400 if the verb in the HTTP request is not in upper case")`, request: { method: 'get', path: '/public', raw: true }, expect: { status: 400 } },
  ],
}

/** [path, allowed] from TestAuthz_PathTemplating, and the reference's examples. */
const TEMPLATING: Array<[string, boolean, string]> = [
  ['/allow/admin/', true, AUTHZ], ['/allow/admin', false, AUTHZ], ['/allow/user/', false, AUTHZ], ['/allow/admin?param=value', false, AUTHZ],
  ['/allow', false, AUTHZ], ['/allow/admin/temp', true, AUTHZ], ['/allow/admin/temp.txt', true, AUTHZ], ['/allow/admin/foo/temp.txt', true, AUTHZ],
  ['/foo/buzz/bar/bat.txt', true, AUTHZ], ['/foo/buzz/bar/bat.temp.txt', true, AUTHZ], ['/foo/buzz/bar/bat/fuzz.txt', true, AUTHZ],
  ['/foo/bar/bat.txt', false, AUTHZ], ['/foo//bar/bat.txt', false, AUTHZ], ['/foo/buzz/bar/bat', true, AUTHZ],
  ['/store//cart', true, AUTHZ], ['/store/cart', false, AUTHZ], ['/store/foo/cart', true, AUTHZ], ['/store/foo/bar/cart', true, AUTHZ],
  ['/one/bar', true, AP_REF], ['/one/bar/baz', false, AP_REF], ['/any/bar/', true, AP_REF], ['/any//', true, AP_REF], ['/any/bar', false, AP_REF],
  // The reference also lists `/foo/bar/baz.txt` as a match of `/foo/{**}/`; Envoy's uri-template matcher,
  // which is what runs, needs the trailing slash.
  ['/any/bar/baz.txt', false, AP_REF],
]

export const pathTemplates: ConformanceGroup = {
  title: 'path templates {*} and {**}',
  source: 'istio/istio tests/integration/security/testdata/authz/path-templating.yaml.tmpl; ' + AP_REF + ' (Operation.paths examples)',
  policy: () => authorizationPolicy('echo', '  action: ALLOW\n' + rulesTo('        paths: ["/allow/admin/{**}", "/foo/{*}/bar/{**}", "/store/{**}/cart", "/one/{*}", "/any/{**}/"]\n'), { selector: ECHO }),
  cases: TEMPLATING.map(([path, allowed, source]) => ({
    name: `${path} → ${allowed ? 200 : 403}`,
    source: source === AUTHZ ? `${AUTHZ} TestAuthz_PathTemplating ${path}` : `${AP_REF} (paths: "/foo/{*}", "/foo/{**}/")`,
    request: { path },
    expect: { status: allowed ? 200 : 403 },
  })),
}
