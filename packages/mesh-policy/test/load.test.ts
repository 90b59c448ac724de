// Loading and selecting policies. Doc references:
// - AuthorizationPolicy: https://istio.io/latest/docs/reference/config/security/authorization-policy/
// - RequestAuthentication: https://istio.io/latest/docs/reference/config/security/request_authentication/
// - PeerAuthentication: https://istio.io/latest/docs/reference/config/security/peer_authentication/
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPolicies, parsePolicies, PolicyLoadError, selectForWorkload } from '../src/index.ts'
import { ISTIO_DIR, policyDir, SECURITY_DIR } from './helpers.ts'

const AP = (spec: string, name = 'p'): string =>
  `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: ${name}\nspec:\n${spec}`
const RA = (spec: string): string =>
  `apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: ra\nspec:\n${spec}`

function loadError (text: string): string {
  try {
    parsePolicies(text, 'f.yaml')
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyLoadError)
    return (err as Error).message
  }
  throw new Error('expected a load error')
}

describe('loading istio/security', () => {
  it('reads every security resource of the repository and skips networking kinds', async () => {
    const set = await loadPolicies([ISTIO_DIR])
    const names = set.authorizationPolicies.map((p) => p.ref.name).sort()
    expect(names).toEqual([
      'allow-nothing', 'details-policy', 'details-probes', 'idp-policy', 'mongodb-policy', 'mysqldb-policy',
      'productpage-policy', 'productpage-probes', 'ratings-policy', 'ratings-probes', 'reviews-policy', 'reviews-probes',
    ])
    expect(set.requestAuthentications.map((r) => r.jwtRules)).toEqual([[{
      issuer: 'http://localhost:9090/',
      jwksUri: 'http://localhost:9090/.well-known/jwks.json',
      jwks: undefined,
      audiences: ['https://bookinfo.io'],
      forwardOriginalToken: true,
    }]])
    expect(set.peerAuthentications.map((p) => [p.ref.name, p.mode])).toEqual([['default', 'STRICT']])
  })

  it('reads single files as well as directories', async () => {
    const set = await loadPolicies([join(SECURITY_DIR, 'allow-nothing.yaml'), join(SECURITY_DIR, 'details-policy.yaml')])
    expect(set.authorizationPolicies.map((p) => p.ref.name)).toEqual(['allow-nothing', 'details-policy'])
  })

  it('names a missing path', async () => {
    await expect(loadPolicies(['/nonexistent/policies'])).rejects.toThrow('/nonexistent/policies: no such file or directory')
  })

  it('names the file and document of invalid YAML', () => {
    expect(loadError('a: [1\n')).toMatch(/^f\.yaml: document 1: /)
  })
})

describe('selecting the policies of a workload', () => {
  // "selector ... If not set, the policy will be applied to all workloads in the same namespace";
  // a root-namespace policy applies to all namespaces.
  it('applies matchLabels as a subset of the workload labels; no selector is namespace-wide', async () => {
    const set = await loadPolicies([SECURITY_DIR])
    const ratings = selectForWorkload(set, { namespace: 'bookinfo', labels: { app: 'ratings', version: 'v1' } })
    expect(ratings.authorizationPolicies.map((p) => p.ref.name).sort()).toEqual(['allow-nothing', 'ratings-policy', 'ratings-probes'])
    expect(ratings.requestAuthentications).toHaveLength(1)
    const versioned = parsePolicies(AP('  selector:\n    matchLabels:\n      app: reviews\n      version: v2\n  rules: [{}]'), 'f')
    expect(selectForWorkload(versioned, { namespace: 'x', labels: { app: 'reviews', version: 'v1' } }).authorizationPolicies).toHaveLength(0)
    expect(selectForWorkload(versioned, { namespace: 'x', labels: { app: 'reviews', version: 'v2' } }).authorizationPolicies).toHaveLength(1)
  })

  it('applies a resource of another namespace only when it is the root namespace', () => {
    const text = (ns: string): string => `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: p\n  namespace: ${ns}\nspec: {}\n`
    const wl = { namespace: 'bookinfo', labels: { app: 'details' } }
    expect(selectForWorkload(parsePolicies(text('other'), 'f'), wl).authorizationPolicies).toHaveLength(0)
    expect(selectForWorkload(parsePolicies(text('bookinfo'), 'f'), wl).authorizationPolicies).toHaveLength(1)
    expect(selectForWorkload(parsePolicies(text('istio-system'), 'f'), wl).authorizationPolicies).toHaveLength(1)
    expect(selectForWorkload(parsePolicies(text('mesh-root'), 'f'), wl, 'mesh-root').authorizationPolicies).toHaveLength(1)
  })

  it('reads an empty spec as an ALLOW policy without rules (allow-nothing)', () => {
    const set = parsePolicies(AP('  {}'), 'f')
    expect(set.authorizationPolicies[0]).toMatchObject({ action: 'ALLOW', rules: [] })
  })
})

describe('unsupported fields are refused at load, naming file, resource and field', () => {
  const cases: Array<[string, string, string]> = [
    ['from.source.namespaces', AP('  rules:\n  - from:\n    - source:\n        namespaces: ["bookinfo"]'),
      'f.yaml: AuthorizationPolicy p: spec.rules[0].from[0].source.namespaces: field not supported'],
    ['from.source.ipBlocks', AP('  rules:\n  - from:\n    - source:\n        ipBlocks: ["10.0.0.0/8"]'),
      'spec.rules[0].from[0].source.ipBlocks: field not supported'],
    ['from.source.remoteIpBlocks', AP('  rules:\n  - from:\n    - source:\n        remoteIpBlocks: ["10.0.0.0/8"]'),
      'spec.rules[0].from[0].source.remoteIpBlocks: field not supported'],
    ['to.operation.hosts', AP('  rules:\n  - to:\n    - operation:\n        hosts: ["details"]'),
      'spec.rules[0].to[0].operation.hosts: field not supported'],
    ['to.operation.ports', AP('  rules:\n  - to:\n    - operation:\n        ports: ["9080"]'),
      'spec.rules[0].to[0].operation.ports: field not supported'],
    ['when key source.ip', AP('  rules:\n  - when:\n    - key: source.ip\n      values: ["10.0.0.1"]'),
      'spec.rules[0].when[0].key: "source.ip": condition key not supported'],
    ['when key source.namespace', AP('  rules:\n  - when:\n    - key: source.namespace\n      values: ["x"]'),
      'spec.rules[0].when[0].key: "source.namespace": condition key not supported'],
    ['action AUDIT', AP('  action: AUDIT\n  rules: [{}]'), 'spec.action: AUDIT is not supported'],
    ['action CUSTOM', AP('  action: CUSTOM\n  rules: [{}]'), 'spec.action: CUSTOM is not supported'],
    ['provider', AP('  provider:\n    name: ext-authz\n  rules: [{}]'), 'spec.provider: field not supported'],
    ['targetRefs', AP('  targetRefs:\n  - kind: Gateway\n    name: g\n  rules: [{}]'), 'spec.targetRefs: field not supported'],
    ['targetRef', RA('  targetRef:\n    kind: Gateway\n    name: g'), 'RequestAuthentication ra: spec.targetRef: field not supported'],
    ['jwtRules.fromHeaders', RA('  jwtRules:\n  - issuer: i\n    jwksUri: http://127.0.0.1/jwks\n    fromHeaders:\n    - name: x-jwt'),
      'spec.jwtRules[0].fromHeaders: field not supported'],
    ['jwtRules.fromParams', RA('  jwtRules:\n  - issuer: i\n    jwksUri: http://127.0.0.1/jwks\n    fromParams: [t]'),
      'spec.jwtRules[0].fromParams: field not supported'],
    ['jwtRules.outputPayloadToHeader', RA('  jwtRules:\n  - issuer: i\n    jwksUri: http://127.0.0.1/jwks\n    outputPayloadToHeader: x-p'),
      'spec.jwtRules[0].outputPayloadToHeader: field not supported'],
    ['jwtRules without a key source', RA('  jwtRules:\n  - issuer: i'), 'spec.jwtRules[0]: needs jwksUri or jwks'],
    ['PeerAuthentication portLevelMtls',
      'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: pa\nspec:\n  portLevelMtls:\n    "9080":\n      mode: DISABLE\n',
      'PeerAuthentication pa: spec.portLevelMtls: field not supported'],
    ['a misspelt field', AP('  rules:\n  - to:\n    - operation:\n        path: ["/x"]'), 'spec.rules[0].to[0].operation.path: unknown field'],
    ['a path template', AP('  rules:\n  - to:\n    - operation:\n        paths: ["/books/{*}/x"]'), 'path templates are not supported'],
    ['a wildcard inside a value', AP('  rules:\n  - to:\n    - operation:\n        paths: ["/a*b"]'), 'a wildcard may only start or end a value'],
    ['an empty source', AP('  rules:\n  - from:\n    - source: {}'), 'spec.rules[0].from[0].source: must not be empty'],
    ['a condition without values', AP('  rules:\n  - when:\n    - key: request.auth.principal'), 'spec.rules[0].when[0]: needs values or notValues'],
    ['an unknown action', AP('  action: PERMIT'), 'spec.action: unknown action "PERMIT"'],
  ]
  it.each(cases)('%s', (_name, text, message) => {
    expect(loadError(text)).toContain(message)
  })

  it('refuses an unknown security.istio.io kind and api version', () => {
    expect(loadError('apiVersion: security.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: s\nspec: {}\n')).toContain('Sidecar s: kind: unknown kind')
    expect(loadError('apiVersion: security.istio.io/v2\nkind: AuthorizationPolicy\nmetadata:\n  name: s\nspec: {}\n')).toContain('apiVersion: security.istio.io/v2 is not supported')
  })

  it('fails loadPolicies for a bad file among good ones, naming it', async () => {
    const dir = await policyDir({ 'a-good.yaml': AP('  {}', 'good'), 'b-bad.yaml': AP('  action: AUDIT', 'bad') })
    await expect(loadPolicies([dir])).rejects.toThrow(`${join(dir, 'b-bad.yaml')}: AuthorizationPolicy bad: spec.action: AUDIT is not supported`)
  })
})

describe('supported fields', () => {
  it('reads an inline JWKS (a JSON string, as in Istio) and refuses one that is not a key set', () => {
    const set = parsePolicies(RA('  jwtRules:\n  - issuer: i\n    jwks: \'{"keys": [{"kty": "RSA", "n": "x", "e": "AQAB"}]}\''), 'f')
    expect(set.requestAuthentications[0]?.jwtRules[0]?.jwks).toEqual({ keys: [{ kty: 'RSA', n: 'x', e: 'AQAB' }] })
    expect(loadError(RA('  jwtRules:\n  - issuer: i\n    jwks: "{not json"'))).toContain('spec.jwtRules[0].jwks: is not valid JSON')
    expect(loadError(RA('  jwtRules:\n  - issuer: i\n    jwks: \'{"k": 1}\''))).toContain('spec.jwtRules[0].jwks: must be a JWK set')
    expect(loadError(RA('  jwtRules:\n  - issuer: i\n    jwksUri: file:///etc/keys'))).toContain('spec.jwtRules[0].jwksUri: must be an http(s) URL')
  })

  it('parses condition keys: nested claims, headers, principals, audiences, presenter', () => {
    const set = parsePolicies(AP([
      '  rules:',
      '  - when:',
      '    - key: request.auth.claims[realm_access][roles]',
      '      values: ["admin"]',
      '    - key: request.headers[X-Canary]',
      '      notValues: ["1"]',
      '    - key: request.auth.principal',
      '      values: ["*"]',
      '    - key: request.auth.audiences',
      '      values: ["a"]',
      '    - key: request.auth.presenter',
      '      values: ["c"]',
      '    - key: source.principal',
      '      values: ["cluster.local/*"]',
    ].join('\n')), 'f')
    expect(set.authorizationPolicies[0]?.rules[0]?.when?.map((c) => c.attribute)).toEqual([
      { kind: 'claim', path: ['realm_access', 'roles'] },
      { kind: 'header', name: 'x-canary' },
      { kind: 'requestPrincipal' },
      { kind: 'audiences' },
      { kind: 'presenter' },
      { kind: 'sourcePrincipal' },
    ])
  })
})
