// `from.source` on peer identities: authz_test.go TestAuthz_Principal, _ServiceAccount, _Namespace,
// _NotNamespace, _TrustDomain, and the Trust Domain Migration task. Outside a mesh the caller's identity
// is the signed peer assertion (README "Source principals"); `peer` below is that identity.
import type { ConformanceGroup } from '../harness.ts'
import { authorizationPolicy, ECHO } from '../yaml.ts'
import { ALLOWED_SA, DENIED_SA } from './evaluation-order.ts'

const AUTHZ = 'istio/istio tests/integration/security/authz_test.go'
const DATA = 'istio/istio tests/integration/security/testdata/authz'
const TD_TASK = 'https://istio.io/latest/docs/tasks/security/authorization/authz-td-migration/'

const allowGet = (port: number, path: string, source: string): string => `  - to:
    - operation:
        ports: ["${port}"]
        paths: ["${path}"]
        methods: ["GET"]
    from:
    - source:
        ${source}
`
const ap = (rules: string, action = 'ALLOW'): string => authorizationPolicy('echo', `  action: ${action}\n  rules:\n${rules}`, { selector: ECHO })

const allowedVsDenied = (test: string, path = '/allow'): ConformanceGroup['cases'] => [
  { name: `the allowed caller reaches ${path}`, source: `${AUTHZ} ${test} ${path} (allowed caller)`, request: { path, peer: ALLOWED_SA }, expect: { status: 200 } },
  { name: `the other caller does not reach ${path}`, source: `${AUTHZ} ${test} ${path} (denied caller)`, request: { path: `${path}?param=value`, peer: DENIED_SA }, expect: { status: 403 } },
  { name: '/deny is reached by no one', source: `${AUTHZ} ${test} /deny`, request: { path: '/deny', peer: ALLOWED_SA }, expect: { status: 403 } },
  { name: 'a caller without identity is denied', source: `${AUTHZ} ${test} (requires mTLS: no peer identity, no match)`, request: { path }, expect: { status: 403 } },
]

export const principals: ConformanceGroup = {
  title: 'principals',
  source: `${DATA}/allow-principal.yaml.tmpl`,
  policy: (env) => ap(allowGet(env.port, '/allow', `principals: ["${ALLOWED_SA}"]`)),
  cases: allowedVsDenied('TestAuthz_Principal'),
}

export const serviceAccounts: ConformanceGroup = {
  title: 'serviceAccounts (<namespace>/<name>)',
  source: `${DATA}/allow-serviceaccount.yaml.tmpl`,
  policy: (env) => ap(allowGet(env.port, '/allow', 'serviceAccounts: ["echo1/a"]') + allowGet(env.port, '/same-namespace', 'serviceAccounts: ["a"]')),
  cases: [
    ...allowedVsDenied('TestAuthz_ServiceAccount'),
    { name: 'a bare name is the service account in the policy\'s namespace', source: 'https://istio.io/latest/docs/reference/config/security/authorization-policy/ (serviceAccounts: "<serviceaccount> may also be used")', request: { path: '/same-namespace', peer: ALLOWED_SA }, expect: { status: 200 } },
  ],
}

export const namespaces: ConformanceGroup[] = [
  {
    title: 'namespaces',
    source: `${DATA}/allow-namespace.yaml.tmpl`,
    policy: (env) => ap(allowGet(env.port, '/allow', 'namespaces: ["echo1"]')),
    cases: allowedVsDenied('TestAuthz_Namespace'),
  },
  {
    title: 'notNamespaces in a DENY policy',
    source: `${DATA}/not-namespace.yaml.tmpl`,
    policy: () => ap('  - from:\n    - source:\n        notNamespaces: ["echo1"]\n', 'DENY'),
    cases: [
      { name: 'the listed namespace is not denied', source: `${AUTHZ} TestAuthz_NotNamespace (allowed caller)`, request: { peer: ALLOWED_SA }, expect: { status: 200 } },
      { name: 'another namespace is denied', source: `${AUTHZ} TestAuthz_NotNamespace (denied caller)`, request: { peer: DENIED_SA }, expect: { status: 403 } },
      { name: 'a caller without identity is denied (no namespace matches, so NOT matches)', source: `${AUTHZ} TestAuthz_NotNamespace; https://istio.io/latest/docs/reference/config/security/authorization-policy/ (notNamespaces)`, request: {}, expect: { status: 403 } },
    ],
  },
]

export const trustDomains: ConformanceGroup = {
  title: 'trustDomains and notTrustDomains',
  source: `${DATA}/allow-trust-domain.yaml.tmpl`,
  policy: (env) => ap([
    allowGet(env.port, '/allow', 'trustDomains: ["cluster.local"]'),
    allowGet(env.port, '/deny', 'trustDomains: ["bad.example.com"]'),
    allowGet(env.port, '/not-trust-domain', 'notTrustDomains: ["cluster.local"]'),
    allowGet(env.port, '/not-deny', 'notTrustDomains: ["bad.example.com"]'),
  ].join('')),
  cases: [
    { name: 'trustDomains cluster.local matches every caller of the mesh', source: `${AUTHZ} TestAuthz_TrustDomain /allow`, request: { path: '/allow', peer: DENIED_SA }, expect: { status: 200 } },
    { name: 'trustDomains bad.example.com matches no one', source: `${AUTHZ} TestAuthz_TrustDomain /deny`, request: { path: '/deny', peer: ALLOWED_SA }, expect: { status: 403 } },
    { name: 'notTrustDomains cluster.local excludes every caller', source: `${AUTHZ} TestAuthz_TrustDomain /not-trust-domain`, request: { path: '/not-trust-domain', peer: ALLOWED_SA }, expect: { status: 403 } },
    { name: 'notTrustDomains bad.example.com excludes no one', source: `${AUTHZ} TestAuthz_TrustDomain /not-deny`, request: { path: '/not-deny', peer: ALLOWED_SA }, expect: { status: 200 } },
  ],
}

const tdPolicy = ap('  - from:\n    - source:\n        principals: ["old-td/ns/sleep-allow/sa/sleep"]\n    to:\n    - operation:\n        methods: ["GET"]\n')

export const trustDomainMigration: ConformanceGroup[] = [
  {
    title: 'trust domain migration: new-td with alias old-td',
    source: TD_TASK,
    policy: () => tdPolicy,
    options: { trustDomain: 'new-td', trustDomainAliases: ['old-td'] },
    cases: [
      { name: 'sleep in sleep-allow, now new-td, still matches the old-td policy', source: `${TD_TASK} (with trust domain aliases)`, request: { peer: 'new-td/ns/sleep-allow/sa/sleep' }, expect: { status: 200 } },
      { name: 'sleep in default is still denied', source: `${TD_TASK} (with trust domain aliases)`, request: { peer: 'new-td/ns/default/sa/sleep' }, expect: { status: 403 } },
    ],
  },
  {
    title: 'trust domain migration without aliases',
    source: TD_TASK,
    policy: () => tdPolicy,
    options: { trustDomain: 'new-td' },
    cases: [
      { name: 'the new identity no longer matches the old-td policy', source: `${TD_TASK} (without trust domain aliases)`, request: { peer: 'new-td/ns/sleep-allow/sa/sleep' }, expect: { status: 403 } },
    ],
  },
  {
    title: 'cluster.local in a policy stands for the mesh trust domain',
    source: TD_TASK,
    policy: () => ap('  - from:\n    - source:\n        principals: ["cluster.local/ns/sleep-allow/sa/sleep"]\n'),
    options: { trustDomain: 'old-td' },
    cases: [
      { name: 'a cluster.local principal matches the old-td identity', source: `${TD_TASK} (Best practices: "cluster.local is a pointer that points to the current trust domain")`, request: { peer: 'old-td/ns/sleep-allow/sa/sleep' }, expect: { status: 200 } },
    ],
  },
]
