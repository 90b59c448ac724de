// Loading and selecting policies. Doc references:
// - AuthorizationPolicy: https://istio.io/latest/docs/reference/config/security/authorization-policy/
// - RequestAuthentication: https://istio.io/latest/docs/reference/config/security/request_authentication/
// - PeerAuthentication: https://istio.io/latest/docs/reference/config/security/peer_authentication/
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPolicies, parsePolicies, PolicyLoadError, selectForWorkload } from '../src/load/index.ts'
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
    expect(set.requestAuthentications.map((r) => r.jwtRules)).toMatchObject([[{
      issuer: 'http://localhost:9090/',
      jwksUri: 'http://localhost:9090/.well-known/jwks.json',
      audiences: ['https://bookinfo.io'],
      forwardOriginalToken: true,
    }]])
    expect(set.peerAuthentications.map((p) => [p.ref.name, p.mode])).toEqual([['default', 'STRICT']])
  })

  it('reads single files as well as directories', async () => {
    const set = await loadPolicies([join(SECURITY_DIR, 'allow-nothing.yaml'), join(SECURITY_DIR, 'details-policy.yaml')])
    expect(set.authorizationPolicies.map((p) => p.ref.name)).toEqual(['allow-nothing', 'details-policy'])
  })

  it('ignores a kustomization.yaml in the policy directory (with or without apiVersion)', async () => {
    const dir = await policyDir({
      'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- allow.yaml\npatches:\n- path: patch.yaml\n',
      'allow.yaml': AP('  rules: [{}]', 'allow-all'),
    })
    const nested = await policyDir({ 'kustomization.yml': 'namespace: bookinfo\nresources:\n- ../base\n' })
    const set = await loadPolicies([dir, nested])
    expect(set.authorizationPolicies.map((p) => p.ref.name)).toEqual(['allow-all'])
    expect(set.requestAuthentications).toEqual([])
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

  it('never selects a resource attached with targetRefs (it binds to a gateway or a waypoint)', () => {
    const set = parsePolicies(AP('  targetRefs:\n  - kind: Gateway\n    group: gateway.networking.k8s.io\n    name: g\n  rules: [{}]'), 'f')
    expect(set.authorizationPolicies[0]?.attachedByTargetRef).toBe(true)
    expect(selectForWorkload(set, { namespace: 'x', labels: {} }).authorizationPolicies).toEqual([])
  })

  it('reads an empty spec as an ALLOW policy without rules (allow-nothing)', () => {
    expect(parsePolicies(AP('  {}'), 'f').authorizationPolicies[0]).toMatchObject({ action: 'ALLOW', rules: [], dryRun: false })
  })
})

describe('the whole API outside CUSTOM and SNI loads', () => {
  it('reads every source, operation and condition field', () => {
    const text = AP([
      '  action: AUDIT',
      '  rules:',
      '  - from:',
      '    - source:',
      '        namespaces: ["a"]',
      '        notNamespaces: ["b"]',
      '        ipBlocks: ["10.0.0.0/8", "2001:db8::1"]',
      '        notIpBlocks: ["10.1.0.0/16"]',
      '        remoteIpBlocks: ["203.0.113.4"]',
      '        notRemoteIpBlocks: ["203.0.113.0/24"]',
      '        trustDomains: ["*.local"]',
      '        requestPrincipals: ["*"]',
      '    - source:',
      '        serviceAccounts: ["ns/sa", "sa"]',
      '    to:',
      '    - operation:',
      '        hosts: ["*.example.com"]',
      '        notPorts: ["8080"]',
      '        paths: ["/a/{*}/b/{**}", "/a*b"]',
      '    when:',
      '    - key: remote.ip',
      '      values: ["10.0.0.1"]',
      '    - key: destination.port',
      '      notValues: ["9090"]',
      '    - key: source.serviceAccount',
      '      values: ["ns/sa"]',
    ].join('\n'))
    const policy = parsePolicies(text, 'f').authorizationPolicies[0]
    expect(policy?.action).toBe('AUDIT')
    expect(policy?.rules[0]?.from?.[0]?.remoteIpBlocks).toEqual(['203.0.113.4'])
    expect(policy?.rules[0]?.to?.[0]?.paths).toEqual(['/a/{*}/b/{**}', '/a*b'])
    expect(policy?.rules[0]?.when?.map((c) => c.attribute.kind)).toEqual(['remoteIp', 'destinationPort', 'sourceServiceAccount'])
  })

  it('reads every jwtRule field, durations included', () => {
    const rule = parsePolicies(RA([
      '  jwtRules:',
      '  - issuer: i',
      '    jwksUri: https://idp.example/jwks',
      '    fromHeaders:',
      '    - name: X-Jwt',
      '      prefix: "Bearer "',
      '    fromParams: [t]',
      '    fromCookies: [c]',
      '    outputPayloadToHeader: X-Payload',
      '    outputClaimToHeaders:',
      '    - header: X-Sub',
      '      claim: sub',
      '    timeout: 1m30s',
      '    spaceDelimitedClaims: [roles]',
    ].join('\n')), 'f').requestAuthentications[0]?.jwtRules[0]
    expect(rule).toMatchObject({
      fromHeaders: [{ name: 'x-jwt', prefix: 'Bearer ' }],
      fromParams: ['t'],
      fromCookies: ['c'],
      outputPayloadToHeader: 'x-payload',
      outputClaimToHeaders: [{ header: 'x-sub', claim: 'sub' }],
      timeoutMs: 90_000,
      spaceDelimitedClaims: ['roles'],
    })
  })

  it('reads the istio.io/dry-run annotation and PeerAuthentication port-level settings', () => {
    const dry = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: d\n  annotations:\n    istio.io/dry-run: "true"\nspec:\n  action: DENY\n  rules: [{}]\n'
    expect(parsePolicies(dry, 'f').authorizationPolicies[0]?.dryRun).toBe(true)
    const pa = 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: pa\nspec:\n  selector:\n    matchLabels:\n      app: a\n  portLevelMtls:\n    "8080":\n      mode: DISABLE\n'
    expect(parsePolicies(pa, 'f').peerAuthentications[0]?.portLevelMtls).toEqual({ 8080: 'DISABLE' })
  })
})

describe('refused at load, naming file, resource and field', () => {
  it.each([
    ['a misspelt field', AP('  rules:\n  - to:\n    - operation:\n        path: ["/x"]'), 'f.yaml: AuthorizationPolicy p: spec.rules[0].to[0].operation.path: unknown field'],
    ['an unknown action', AP('  action: PERMIT'), 'spec.action: unknown action "PERMIT"'],
    ['an empty value', AP('  rules:\n  - to:\n    - operation:\n        paths: [""]'), 'spec.rules[0].to[0].operation.paths[0]: must be a non-empty string'],
    ['a bad duration', RA('  jwtRules:\n  - issuer: i\n    jwksUri: https://x/jwks\n    timeout: soon'), 'spec.jwtRules[0].timeout: must be a duration'],
    ['an inline JWKS that is not a key set', RA('  jwtRules:\n  - issuer: i\n    jwks: \'{"k": 1}\''), 'spec.jwtRules[0].jwks: must be a JWK set'],
    ['an unknown kind of the group', 'apiVersion: security.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: s\nspec: {}\n', 'Sidecar s: kind: unknown kind'],
    ['an unknown version of the group', 'apiVersion: security.istio.io/v2\nkind: AuthorizationPolicy\nmetadata:\n  name: s\nspec: {}\n', 'apiVersion: security.istio.io/v2 is not supported'],
  ])('%s', (_name, text, message) => {
    expect(loadError(text)).toContain(message)
  })

  it('fails loadPolicies for a bad file among good ones, naming it', async () => {
    const dir = await policyDir({ 'a-good.yaml': AP('  {}', 'good'), 'b-bad.yaml': AP('  action: CUSTOM\n  rules: [{}]', 'bad') })
    await expect(loadPolicies([dir])).rejects.toThrow(`${join(dir, 'b-bad.yaml')}: AuthorizationPolicy bad: spec.action: not supported outside a mesh`)
  })
})
