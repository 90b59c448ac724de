// `to.operation`: hosts and remote IPs at an ingress gateway (authz_test.go TestAuthz_IngressGateway,
// TestAuthz_NotHost, with numTrustedProxies 1 as in the suite's mesh config), methods and ports
// (TestAuthz_NotMethod, TestAuthz_NotPort), and host matching with ports (security best practices).
import type { ConformanceCase, ConformanceGroup } from '../harness.ts'
import { authorizationPolicy, ECHO } from '../yaml.ts'

const AUTHZ = 'istio/istio tests/integration/security/authz_test.go'
const BEST = 'https://istio.io/latest/docs/ops/best-practices/security/#writing-host-match-policies'

const ingressPolicy = authorizationPolicy('policy-echo', `  action: DENY
  rules:
  - to:
    - operation:
        hosts: ["deny.echo.com", "*.suffix.echo.com", "prefix.echo.*"]
  - to:
    - operation:
        hosts: ["internal.echo.com"]
    - operation:
        paths: ["/private"]
  - from:
    - source:
        remoteIpBlocks: ["172.17.72.46", "192.168.4.0/23"]
    to:
    - operation:
        hosts: ["remoteipblocks.echo.com"]
  - from:
    - source:
        notRemoteIpBlocks: ["172.23.240.0/22"]
    to:
    - operation:
        hosts: ["notremoteipblocks.echo.com"]
  - to:
    - operation:
        hosts: ["remoteipattr.echo.com"]
    when:
    - key: remote.ip
      values: ["10.242.5.7", "10.124.99.0/24"]
`, { namespace: 'istio-system', selector: { app: 'istio-ingressgateway' } })

/** [host, path, X-Forwarded-For, allowed] as in TestAuthz_IngressGateway. */
const INGRESS: Array<[string, string, string | undefined, boolean]> = [
  ['deny.echo.com', '/', undefined, false], ['DENY.echo.COM', '/', undefined, false], ['Deny.echo.Com', '/', undefined, false],
  ['deny.suffix.echo.com', '/', undefined, false], ['DENY.SUFFIX.echo.COM', '/', undefined, false], ['Deny.Suffix.echo.Com', '/', undefined, false],
  ['prefix.echo.com', '/', undefined, false], ['PREFIX.echo.COM', '/', undefined, false], ['Prefix.echo.Com', '/', undefined, false],
  ['www.echo.com', '/', '172.16.0.1', true], ['www.echo.com', '/private', '172.16.0.1', false], ['www.echo.com', '/public', '172.16.0.1', true],
  ['internal.echo.com', '/', '172.16.0.1', false], ['internal.echo.com', '/private', '172.16.0.1', false],
  ['remoteipblocks.echo.com', '/', '172.17.72.46', false], ['remoteipblocks.echo.com', '/', '192.168.5.233', false], ['remoteipblocks.echo.com', '/', '10.4.5.6', true],
  ['notremoteipblocks.echo.com', '/', '10.2.3.4', false], ['notremoteipblocks.echo.com', '/', '172.23.242.188', true],
  ['remoteipattr.echo.com', '/', '10.242.5.7', false], ['remoteipattr.echo.com', '/', '10.124.99.10', false], ['remoteipattr.echo.com', '/', '10.4.5.6', true],
]

const ingressCases: ConformanceCase[] = INGRESS.map(([host, path, xff, allowed]) => ({
  name: `${xff ? `${xff} -> ` : ''}${host}${path} → ${allowed ? 200 : 403}`,
  source: `${AUTHZ} TestAuthz_IngressGateway ${xff ? `${xff}->` : ''}${host}${path}`,
  request: { path, headers: { host, ...(xff ? { 'x-forwarded-for': xff } : {}) } },
  expect: { status: allowed ? 200 : 403 },
}))

export const ingressGateway: ConformanceGroup = {
  title: 'an ingress gateway: hosts (case-insensitive) and remote IPs (numTrustedProxies 1)',
  source: 'istio/istio tests/integration/security/testdata/authz/ingress-gateway.yaml.tmpl',
  workload: { namespace: 'istio-system', labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
  options: { numTrustedProxies: 1 },
  policy: () => ingressPolicy,
  cases: ingressCases,
}

const allow = (rules: string): string => authorizationPolicy('echo-allow', `  action: ALLOW\n  rules:\n${rules}`, { selector: ECHO })

export const hostsMethodsPorts: ConformanceGroup = {
  title: 'notHosts, notMethods, notPorts, and hosts with a port',
  source: `${AUTHZ} TestAuthz_NotHost, TestAuthz_NotMethod, TestAuthz_NotPort; ${BEST}`,
  policy: (env) => allow(`  - to:
    - operation:
        paths: ["/not-host"]
        notHosts: ["deny.echo.com"]
  - to:
    - operation:
        paths: ["/not-method"]
        notMethods: ["PUT"]
  - to:
    - operation:
        paths: ["/not-this-port"]
        notPorts: ["${env.port}"]
  - to:
    - operation:
        paths: ["/not-other-port"]
        notPorts: ["1"]
  - to:
    - operation:
        paths: ["/exact-host"]
        hosts: ["example.com"]
  - to:
    - operation:
        paths: ["/host-any-port"]
        hosts: ["example.com", "example.com:*"]
`),
  cases: [
    { name: 'allow.echo.com passes notHosts', source: `${AUTHZ} TestAuthz_NotHost allow`, request: { path: '/not-host', headers: { host: 'allow.echo.com' } }, expect: { status: 200 } },
    { name: 'deny.echo.com is excluded by notHosts', source: `${AUTHZ} TestAuthz_NotHost deny`, request: { path: '/not-host', headers: { host: 'deny.echo.com' } }, expect: { status: 403 } },
    { name: 'GET passes notMethods PUT', source: `${AUTHZ} TestAuthz_NotMethod GET`, request: { path: '/not-method' }, expect: { status: 200 } },
    { name: 'PUT is excluded by notMethods', source: `${AUTHZ} TestAuthz_NotMethod PUT`, request: { method: 'PUT', path: '/not-method' }, expect: { status: 403 } },
    { name: 'the listening port is excluded by notPorts', source: `${AUTHZ} TestAuthz_NotPort (excluded port)`, request: { path: '/not-this-port' }, expect: { status: 403 } },
    { name: 'another port in notPorts does not exclude this one', source: `${AUTHZ} TestAuthz_NotPort (other port)`, request: { path: '/not-other-port' }, expect: { status: 200 } },
    { name: 'hosts "example.com" matches Host example.com', source: BEST, request: { path: '/exact-host', headers: { host: 'example.com' } }, expect: { status: 200 } },
    { name: 'hosts "example.com" does not match Host example.com:8080 (the port is part of the host)', source: BEST, request: { path: '/exact-host', headers: { host: 'example.com:8080' } }, expect: { status: 403 } },
    { name: 'hosts "example.com:*" matches Host example.com:8080', source: BEST, request: { path: '/host-any-port', headers: { host: 'example.com:8080' } }, expect: { status: 200 } },
  ],
}
