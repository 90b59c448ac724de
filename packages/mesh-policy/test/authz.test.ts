// AuthorizationPolicy evaluation on request attributes, each case naming the rule of Istio's reference
// (https://istio.io/latest/docs/reference/config/security/authorization-policy/, "AP") or the Envoy
// matcher Istio generates for it (pilot/pkg/security/authz/model/generator.go, "generator").
import { describe, expect, it } from 'vitest'
import type { RequestAttributes } from '../src/authz/attributes.ts'
import { compilePolicy } from '../src/authz/compile.ts'
import { createAuthorizer } from '../src/authz/evaluate.ts'
import { stringTest } from '../src/authz/match.ts'
import { trustDomainBundle } from '../src/authz/trust-domain.ts'
import { parsePolicies } from '../src/load/index.ts'

function authorizer (...specs: string[]) {
  const text = specs.map((spec, i) => `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: p${i}\nspec:\n${spec}`).join('\n---\n')
  const ctx = { trustDomains: trustDomainBundle(), policyNamespace: 'foo' }
  return createAuthorizer(parsePolicies(text, 'test.yaml').authorizationPolicies.map((p) => compilePolicy(p, ctx)))
}

function req (over: Partial<RequestAttributes> & { headers?: Record<string, string> } = {}): RequestAttributes {
  const { headers = {}, ...rest } = over
  return {
    method: 'GET',
    path: '/details/0',
    host: 'details:9080',
    header: (name) => headers[name],
    sourceIp: '127.0.0.1',
    remoteIp: '127.0.0.1',
    destinationIp: '127.0.0.1',
    destinationPort: 9080,
    sourcePrincipal: undefined,
    claims: undefined,
    ...rest,
  }
}

const allowed = (a: ReturnType<typeof authorizer>, r: RequestAttributes): boolean => a(r).decision.allowed
const rule = (body: string): string => `  rules:\n  - ${body.split('\n').join('\n    ')}`

describe('string match (AP: "Exact, Prefix, Suffix and Presence match")', () => {
  it.each([
    ['abc', 'abc', true], ['abc', 'abcd', false], ['abc*', 'abc', true], ['abc*', 'abcd', true], ['abc*', 'xabc', false],
    ['*abc', 'xabc', true], ['*abc', 'abcx', false], ['*', 'anything', true], ['*', '', false],
    ['/a*b', '/a*b', true], ['/a*b', '/axb', false], ['*abc*', 'xabc*', true], ['*abc*', 'xabcd', false],
  ])('%s against %j → %s (generator: a `*` elsewhere is a literal)', (pattern, value, expected) => {
    expect(stringTest(pattern)(value)).toBe(expected)
  })
})

describe('evaluation order (AP)', () => {
  it('a matching DENY wins over a matching ALLOW', () => {
    const a = authorizer('  rules: [{}]', '  action: DENY\n' + rule('to:\n- operation:\n    methods: ["DELETE"]'))
    expect(a(req({ method: 'DELETE' })).decision).toMatchObject({ allowed: false, reason: expect.stringContaining('DENY p1') })
    expect(allowed(a, req())).toBe(true)
  })

  it('no policy, or DENY policies only: what no DENY matches is allowed', () => {
    expect(allowed(authorizer(), req())).toBe(true)
    expect(allowed(authorizer('  action: DENY\n' + rule('to:\n- operation:\n    paths: ["/admin*"]')), req())).toBe(true)
  })

  it('allow-nothing (spec {}) denies; rules [{}] allows; together one ALLOW match is enough', () => {
    expect(allowed(authorizer('  {}'), req())).toBe(false)
    expect(allowed(authorizer('  rules: [{}]'), req())).toBe(true)
    expect(allowed(authorizer('  {}', '  rules: [{}]'), req())).toBe(true)
  })

  it('AUDIT marks a request without allowing or denying it', () => {
    const a = authorizer('  action: AUDIT\n  rules: [{}]', '  {}')
    expect(a(req())).toMatchObject({ audited: ['p0'], decision: { allowed: false } })
  })

  it('a dry-run policy is evaluated on the side and never enforced', () => {
    const text = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: shadow\n  annotations:\n    istio.io/dry-run: "true"\nspec:\n  action: DENY\n  rules: [{}]\n'
    const a = createAuthorizer(parsePolicies(text, 'f').authorizationPolicies.map((p) => compilePolicy(p, { trustDomains: trustDomainBundle(), policyNamespace: 'foo' })))
    expect(a(req())).toMatchObject({ decision: { allowed: true }, dryRun: { allowed: false, matched: ['DENY shadow'] } })
  })
})

describe('request principals (generator: split at the last "/" into iss and sub matchers)', () => {
  const a = (principal: string) => authorizer(rule(`from:\n- source:\n    requestPrincipals: ["${principal}"]`))
  const claims = (iss: string, sub?: string) => req({ claims: sub === undefined ? { iss } : { iss, sub } })

  it.each([
    ['https://idp.example/user-1', 'https://idp.example', 'user-1', true],
    ['https://idp.example/*', 'https://idp.example', 'user-1', true],
    ['*/user-1', 'anything', 'user-1', true],
    ['*@example.com', 'https://idp', 'jane@example.com', true],
    ['https://idp*', 'https://idp.example', 'user-1', false],
    ['*', 'https://idp.example', 'user-1', true],
  ])('%s against iss=%s sub=%s → %s', (pattern, iss, sub, expected) => {
    expect(allowed(a(pattern), claims(iss, sub))).toBe(expected)
  })

  it('`*` needs both claims: a token without `sub` is not "any request principal"', () => {
    expect(allowed(a('*'), claims('https://idp.example'))).toBe(false)
  })
})

describe('identities and trust domains', () => {
  const a = (source: string, ns = 'foo') => createAuthorizer(parsePolicies(`apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: p\nspec:\n${rule(`from:\n- source:\n    ${source}`)}`, 'f')
    .authorizationPolicies.map((p) => compilePolicy(p, { trustDomains: trustDomainBundle('new-td', ['old-td']), policyNamespace: ns })))
  const from = (principal: string | undefined) => req({ sourcePrincipal: principal })

  it('namespaces: `*` inside a value stands for anything, escaped otherwise', () => {
    expect(allowed(a('namespaces: ["team-*"]'), from('new-td/ns/team-a/sa/x'))).toBe(true)
    expect(allowed(a('namespaces: ["a.b"]'), from('new-td/ns/axb/sa/x'))).toBe(false)
  })

  it('serviceAccounts: a bare name is in the policy namespace', () => {
    expect(allowed(a('serviceAccounts: ["sleep"]', 'foo'), from('new-td/ns/foo/sa/sleep'))).toBe(true)
    expect(allowed(a('serviceAccounts: ["sleep"]', 'foo'), from('new-td/ns/bar/sa/sleep'))).toBe(false)
    expect(allowed(a('serviceAccounts: ["foo/sleep"]'), from('new-td/ns/foo/sa/sleep-2'))).toBe(false)
  })

  it('principals naming cluster.local or an alias cover every trust domain of the bundle', () => {
    expect(allowed(a('principals: ["cluster.local/ns/foo/sa/sleep"]'), from('old-td/ns/foo/sa/sleep'))).toBe(true)
    expect(allowed(a('principals: ["old-td/ns/foo/sa/sleep"]'), from('new-td/ns/foo/sa/sleep'))).toBe(true)
    expect(allowed(a('principals: ["other-td/ns/foo/sa/sleep"]'), from('new-td/ns/foo/sa/sleep'))).toBe(false)
  })

  it('trustDomains: exact, `*`, and one wildcard at either end', () => {
    expect(allowed(a('trustDomains: ["old-td"]'), from('new-td/ns/foo/sa/x'))).toBe(true)
    expect(allowed(a('trustDomains: ["*-td"]'), from('new-td/ns/foo/sa/x'))).toBe(true)
    expect(allowed(a('trustDomains: ["*"]'), from(undefined))).toBe(false)
  })
})

describe('operations and conditions', () => {
  it('hosts ignore case; `*` in hosts, methods and headers means "present", even empty', () => {
    expect(allowed(authorizer(rule('to:\n- operation:\n    hosts: ["*.Example.com"]')), req({ host: 'www.EXAMPLE.com' }))).toBe(true)
    expect(allowed(authorizer(rule('when:\n- key: request.headers[x-empty]\n  values: ["*"]')), req({ headers: { 'x-empty': '' } }))).toBe(true)
    expect(allowed(authorizer(rule('when:\n- key: request.headers[x-empty]\n  values: ["*"]')), req())).toBe(false)
  })

  it('claims: strings and the string elements of lists match; other types and absent claims do not', () => {
    const a = authorizer(rule('when:\n- key: request.auth.claims[groups]\n  values: ["admin"]'))
    expect(allowed(a, req({ claims: { groups: ['user', 'admin'] } }))).toBe(true)
    expect(allowed(a, req({ claims: { groups: 'admin' } }))).toBe(true)
    expect(allowed(a, req({ claims: { groups: [{ admin: true }] } }))).toBe(false)
    expect(allowed(a, req({ claims: {} }))).toBe(false)
  })

  it('ip blocks: single addresses and CIDR, IPv4 and IPv6 kept apart', () => {
    const a = authorizer(rule('when:\n- key: source.ip\n  values: ["10.0.0.0/8", "2001:db8::/32"]'))
    expect(allowed(a, req({ sourceIp: '10.1.2.3' }))).toBe(true)
    expect(allowed(a, req({ sourceIp: '2001:db8::1' }))).toBe(true)
    expect(allowed(a, req({ sourceIp: '11.0.0.1' }))).toBe(false)
  })

  it('ports compare the destination port; notPorts excludes it', () => {
    expect(allowed(authorizer(rule('to:\n- operation:\n    ports: ["9080"]')), req())).toBe(true)
    expect(allowed(authorizer(rule('to:\n- operation:\n    notPorts: ["9080"]')), req())).toBe(false)
  })
})
