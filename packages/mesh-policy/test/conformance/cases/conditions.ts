// `when` conditions: authz_test.go TestAuthz_Conditions with testdata/authz/conditions.yaml.tmpl
// (connection.sni needs the mTLS handshake: it is refused at load, see refusals.ts). The allowed caller
// connects from 127.0.0.2, the denied one from 127.0.0.3; the workload listens on 127.0.0.1.
import type { ConformanceCase, ConformanceGroup } from '../harness.ts'
import { authorizationPolicy, ECHO } from '../yaml.ts'
import { ALLOWED_SA, DENIED_SA } from './evaluation-order.ts'

const TEST = 'istio/istio tests/integration/security/authz_test.go TestAuthz_Conditions'
const ALLOWED_IP = '127.0.0.2'
const DENIED_IP = '127.0.0.3'

const rule = (path: string, key: string, values: 'values' | 'notValues', list: string[]): string => `  - to:
    - operation:
        paths: ["${path}"]
    when:
    - key: ${key}
      ${values}: ${JSON.stringify(list)}
`

const POLICY = (port: number): string => [
  rule('/request-headers', 'request.headers[x-foo]', 'values', ['foo']),
  rule('/request-headers-notValues', 'request.headers[x-foo]', 'notValues', ['bar']),
  rule('/source-ip', 'source.ip', 'values', [ALLOWED_IP]),
  rule('/source-ip-notValues', 'source.ip', 'notValues', [DENIED_IP]),
  rule('/source-namespace', 'source.namespace', 'values', ['echo1']),
  rule('/source-namespace-notValues', 'source.namespace', 'notValues', ['echo2']),
  rule('/source-principal', 'source.principal', 'values', [ALLOWED_SA]),
  rule('/source-principal-notValues', 'source.principal', 'notValues', [DENIED_SA]),
  rule('/source-trust-domain', 'source.trustDomain', 'values', ['cluster.local']),
  rule('/source-trust-domain-notValues', 'source.trustDomain', 'notValues', ['bad.example.com']),
  rule('/destination-ip-good', 'destination.ip', 'values', ['127.0.0.1']),
  rule('/destination-ip-bad', 'destination.ip', 'values', ['1.2.3.4']),
  rule('/destination-ip-notValues', 'destination.ip', 'notValues', ['127.0.0.1']),
  rule('/destination-port-good', 'destination.port', 'values', [String(port)]),
  rule('/destination-port-bad', 'destination.port', 'values', ['1']),
  rule('/destination-port-notValues', 'destination.port', 'notValues', [String(port)]),
  rule('/source-service-account', 'source.serviceAccount', 'values', ['echo1/a']),
  rule('/remote-ip', 'remote.ip', 'values', ['10.4.5.6']),
].join('')

const caller = (allowed: boolean) => ({ peer: allowed ? ALLOWED_SA : DENIED_SA, from: allowed ? ALLOWED_IP : DENIED_IP })

/** Each identity-dependent path, from the allowed and from the denied caller. */
const byCaller: ConformanceCase[] = [
  '/source-ip', '/source-ip-notValues', '/source-namespace', '/source-namespace-notValues', '/source-principal', '/source-principal-notValues',
].flatMap((path) => [true, false].map((allowed) => ({
  name: `${path} from the ${allowed ? 'allowed' : 'denied'} caller`,
  source: `${TEST} ${path}`,
  request: { path, ...caller(allowed) },
  expect: { status: allowed ? 200 : 403 },
})))

const fixed = (path: string, status: number, extra: Partial<ConformanceCase['request']> = {}, source = `${TEST} ${path}`): ConformanceCase =>
  ({ name: `${path}${extra.headers ? ` with ${JSON.stringify(extra.headers)}` : ''} → ${status}`, source, request: { path, ...caller(true), ...extra }, expect: { status } })

export const conditions: ConformanceGroup = {
  title: 'when conditions on headers, source, destination',
  source: 'istio/istio tests/integration/security/testdata/authz/conditions.yaml.tmpl',
  policy: (env) => authorizationPolicy('echo-conditions', `  rules:\n${POLICY(env.port)}`, { selector: ECHO }),
  cases: [
    fixed('/request-headers', 200, { headers: { 'x-foo': 'foo' } }),
    fixed('/request-headers', 403, { headers: { 'x-foo': 'bar' } }),
    fixed('/request-headers', 403),
    fixed('/request-headers-notValues', 200, { headers: { 'x-foo': 'foo' } }),
    fixed('/request-headers-notValues', 403, { headers: { 'x-foo': 'bar' } }),
    ...byCaller,
    fixed('/source-trust-domain', 200),
    fixed('/source-trust-domain-notValues', 200),
    fixed('/destination-ip-good', 200),
    fixed('/destination-ip-bad', 403),
    fixed('/destination-ip-notValues', 403),
    fixed('/destination-port-good', 200),
    fixed('/destination-port-bad', 403),
    fixed('/destination-port-notValues', 403),
    fixed('/other', 403),
    fixed('/source-service-account', 200, {}, 'https://istio.io/latest/docs/reference/config/security/authorization-policy/ (serviceAccounts, "the same as the source.serviceAccount attribute")'),
    fixed('/remote-ip', 200, { headers: { 'x-forwarded-for': '203.0.113.9, 10.4.5.6' } }, 'https://istio.io/latest/docs/reference/config/security/conditions/ (remote.ip); a sidecar trusts the last X-Forwarded-For address'),
    fixed('/remote-ip', 403, { headers: { 'x-forwarded-for': '10.4.5.6, 203.0.113.9' } }, 'https://istio.io/latest/docs/reference/config/security/conditions/ (remote.ip)'),
  ],
}
