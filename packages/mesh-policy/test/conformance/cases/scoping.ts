// Which policies apply to a workload: authz_test.go TestAuthz_WorkloadSelector with testdata/authz
// workload.yaml.tmpl, workload-bad.yaml.tmpl, workload-ns.yaml.tmpl (two namespaces) and
// workload-system-ns.yaml.tmpl (root namespace), plus targetRefs (AuthorizationPolicy reference).
import type { ConformanceCase, ConformanceGroup } from '../harness.ts'
import { authorizationPolicy, rulesTo } from '../yaml.ts'

const TEST = 'istio/istio tests/integration/security/authz_test.go TestAuthz_WorkloadSelector'
const AP_REF = 'https://istio.io/latest/docs/reference/config/security/authorization-policy/'

const ap = (name: string, namespace: string | undefined, selector: Record<string, string> | undefined, path: string): string =>
  authorizationPolicy(name, rulesTo(`        paths: ["${path}"]\n`), { namespace, selector })

const POLICIES = [
  ap('policy-b', undefined, { app: 'b' }, '/policy-echo1-b'),
  ap('policy-b-bad', undefined, { app: 'b', foo: 'bla' }, '/policy-echo1-b-bad'),
  ap('policy-echo1-all', 'echo1', undefined, '/policy-echo1-all'),
  ap('policy-echo2-all', 'echo2', undefined, '/policy-echo2-all'),
  ap('policy-system-b', 'istio-system', { app: 'b' }, '/policy-system-b'),
  ap('policy-c', undefined, { app: 'c' }, '/policy-echo1-c'),
  ap('policy-system-c', 'istio-system', { app: 'c' }, '/policy-system-c'),
  authorizationPolicy('at-the-gateway', '  targetRefs:\n  - kind: Gateway\n    group: gateway.networking.k8s.io\n    name: echo-gateway\n' + rulesTo('        paths: ["/gateway-only"]\n')),
].join('')

const expectations = (labels: string): Array<[string, boolean]> => [
  ['/policy-echo1-b-bad', labels.includes('foo')],
  ['/policy-echo1-all', true],
  ['/policy-echo2-all', false],
  ['/policy-echo1-b', true],
  ['/policy-system-b', true],
  ['/policy-echo1-c', false],
  ['/policy-system-c', false],
]

function cases (labels: string): ConformanceCase[] {
  return [
    ...expectations(labels).map(([path, allowed]): ConformanceCase => ({
      name: `${labels}: ${path} → ${allowed ? 200 : 403}`,
      source: `${TEST} ${path.replace('echo1-b', 'ns-svc').replace('system-b', 'system-svc')}`,
      request: { path },
      expect: { status: allowed ? 200 : 403 },
    })),
    {
      name: `${labels}: a policy attached with targetRefs binds to a gateway, not to this workload`,
      source: `${AP_REF} (targetRefs: Gateway, GatewayClass, Service for waypoints, ServiceEntry)`,
      request: { path: '/gateway-only' },
      expect: { status: 403 },
    },
  ]
}

export const workloadSelector: ConformanceGroup[] = [
  {
    title: 'workload selectors: app=b in namespace echo1',
    source: 'istio/istio tests/integration/security/testdata/authz/workload*.yaml.tmpl',
    workload: { namespace: 'echo1', labels: { app: 'b', version: 'v1' } },
    policy: () => POLICIES,
    cases: cases('app=b'),
  },
  {
    title: 'workload selectors: app=b with the extra label foo=bla',
    source: 'istio/istio tests/integration/security/testdata/authz/workload-bad.yaml.tmpl (after UpdateWorkloadLabel foo=bla)',
    workload: { namespace: 'echo1', labels: { app: 'b', version: 'v1', foo: 'bla' } },
    policy: () => POLICIES,
    cases: cases('app=b,foo=bla'),
  },
]
