import { describe, expect, it } from 'vitest'
import type { Manifest } from './documents.ts'
import { parseManifests } from './documents.ts'
import { allProblems } from './cross-checks.ts'
import { kustomizationFiles, requireKubectl } from './kustomize.ts'
import { schemaProblem } from './schemas.ts'
import { strictFieldProblems } from './strict-fields.ts'
import { restrictedProblems } from './pod-security.ts'
import type { IPodSpec } from 'kubernetes-models/v1'

// The checkers themselves, on small hand-made inputs: each must accept a consistent set and name the one
// thing that is wrong in a broken one (a checker that never fails would make the other suites worthless).

const meta = (name: string, labels?: Record<string, string>): Manifest['metadata'] => ({ name, namespace: 'bookinfo', ...(labels && { labels }) })

const deployment = (app: string, version: string, overrides: { account?: string, port?: number, env?: unknown[], envFrom?: unknown[] } = {}): Manifest => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta(`${app}-${version}`, { app, version }),
  spec: {
    selector: { matchLabels: { app, version } },
    template: {
      metadata: { labels: { app, version } },
      spec: {
        serviceAccountName: overrides.account ?? `bookinfo-${app}`,
        containers: [{
          name: app,
          image: `bookinfo-ts/examples-bookinfo-${app}-${version}:dev`,
          ports: [{ name: 'http', containerPort: overrides.port ?? 9080 }],
          env: overrides.env ?? [],
          envFrom: overrides.envFrom ?? [],
        }],
      },
    },
  },
})
const service = (app: string, port: { port?: number, name?: string, targetPort?: string } = {}, selector = { app }): Manifest => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta(app, { app, service: app }),
  spec: { selector, ports: [{ name: port.name ?? 'http', port: port.port ?? 9080, targetPort: port.targetPort ?? 'http' }] },
})
const account = (name: string): Manifest => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name) })
const secret = (name: string, keys: string[]): Manifest => ({
  apiVersion: 'v1', kind: 'Secret', metadata: meta(name), data: Object.fromEntries(keys.map((key) => [key, 'eA=='])),
})
const destinationRule = (host: string, versions: string[]): Manifest => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: meta(host),
  spec: { host, subsets: versions.map((version) => ({ name: version, labels: { version } })) },
})
const virtualService = (destination: Record<string, unknown>, gateways?: string[]): Manifest => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: meta('route'),
  spec: { hosts: ['reviews'], ...(gateways && { gateways }), http: [{ route: [{ destination }] }] },
})
const policy = (kind: string, selector: Record<string, string>, principals: string[] = []): Manifest => ({
  apiVersion: 'security.istio.io/v1',
  kind,
  metadata: meta(`${kind}-${Object.values(selector).join('-')}`),
  spec: { selector: { matchLabels: selector }, ...(kind === 'AuthorizationPolicy' && { rules: [{ from: [{ source: { principals } }] }] }) },
})

const consistent = (): Manifest[] => [
  deployment('reviews', 'v1', { env: [{ name: 'S', valueFrom: { secretKeyRef: { name: 'creds', key: 'S' } } }], envFrom: [{ secretRef: { name: 'creds' } }] }),
  deployment('ratings', 'v1'),
  service('reviews'),
  service('ratings'),
  account('bookinfo-reviews'),
  account('bookinfo-ratings'),
  secret('creds', ['S']),
  destinationRule('reviews', ['v1']),
  destinationRule('ratings', ['v1', 'v2-mysql']), // v2-mysql: documented as not shipped
  virtualService({ host: 'reviews', subset: 'v1', port: { number: 9080 } }),
  virtualService({ host: 'ratings.bookinfo.svc.cluster.local', subset: 'v1' }),
  policy('AuthorizationPolicy', { app: 'ratings' }, ['cluster.local/ns/bookinfo/sa/bookinfo-reviews', 'cluster.local/ns/bookinfo/sa/bookinfo-ratings-v2']),
  policy('AuthorizationPolicy', { app: 'mongodb' }), // documented as not shipped
  policy('RequestAuthentication', { app: 'reviews' }),
]
const problems = (...extra: Manifest[]): string[] => allProblems({ manifests: [...consistent(), ...extra], defaultNamespace: 'bookinfo' })
const without = (name: string, kind: string, ...extra: Manifest[]): string[] => allProblems({
  manifests: [...consistent().filter((manifest) => !(manifest.kind === kind && manifest.metadata.name === name)), ...extra],
  defaultNamespace: 'bookinfo',
})

describe('cross-checks', () => {
  it('accept a consistent set, including the documented not-shipped subsets, workloads and accounts', () => {
    expect(problems()).toEqual([])
  })

  it('report a DestinationRule subset that selects no Deployment, and an unknown host', () => {
    expect(problems(destinationRule('reviews', ['v1', 'v9']))).toEqual([expect.stringContaining('subset v9')])
    expect(problems(destinationRule('reveiws', ['v1']))).toEqual([expect.stringContaining('host reveiws is not a Service')])
  })

  it('report a policy selector that matches no workload', () => {
    expect(problems(policy('AuthorizationPolicy', { app: 'detials' }))).toEqual([expect.stringContaining('matches no Deployment')])
    expect(problems(policy('PeerAuthentication', { app: 'idp' }))).toEqual([expect.stringContaining('{"app":"idp"}')])
  })

  it('report principals naming a missing account, another namespace, or no SPIFFE path at all', () => {
    expect(problems(policy('AuthorizationPolicy', { app: 'reviews' }, ['cluster.local/ns/bookinfo/sa/bookinfo-productpage'])))
      .toEqual([expect.stringContaining('names no ServiceAccount bookinfo-productpage in namespace bookinfo')])
    expect(problems(policy('AuthorizationPolicy', { app: 'reviews' }, ['cluster.local/ns/default/sa/bookinfo-reviews'])))
      .toEqual([expect.stringContaining('in namespace default')])
    expect(problems(policy('AuthorizationPolicy', { app: 'reviews' }, ['bookinfo-reviews'])))
      .toEqual([expect.stringContaining('is not cluster.local/ns/<ns>/sa/<sa>')])
  })

  it('report a Service on another port or port name, selecting nothing, or targeting a missing container port', () => {
    expect(without('reviews', 'Service', service('reviews', { port: 8080 }))).toEqual([
      expect.stringContaining('expected exactly one port 9080 named http'),
      expect.stringContaining('VirtualService route: reviews has no port 9080'), // the route that still says 9080
    ])
    expect(without('reviews', 'Service', service('reviews', { name: 'web' }))).toEqual([expect.stringContaining('named http')])
    expect(without('reviews', 'Service', service('reviews', {}, { app: 'review' }))).toEqual([
      expect.stringContaining('DestinationRule reviews: subset v1'), // subsets select through the Service's selector
      expect.stringContaining('Service reviews: selector {"app":"review"} matches no Deployment'),
    ])
    expect(without('reviews', 'Service', service('reviews', { targetPort: 'metrics' })))
      .toEqual([expect.stringContaining('targetPort metrics is not a container port of Deployment reviews-v1')])
  })

  it('report a Deployment with a missing account, another container port, or a missing Secret or key', () => {
    expect(without('ratings-v1', 'Deployment', deployment('ratings', 'v1', { account: 'ratings' })))
      .toEqual([expect.stringContaining('serviceAccountName ratings does not exist')])
    expect(without('ratings-v1', 'Deployment', deployment('ratings', 'v1', { port: 8080 })))
      .toEqual(expect.arrayContaining([expect.stringContaining('must expose exactly port 9080 named http')]))
    expect(without('ratings-v1', 'Deployment', deployment('ratings', 'v1', { envFrom: [{ secretRef: { name: 'app-credentials' } }] })))
      .toEqual([expect.stringContaining('envFrom Secret app-credentials does not exist')])
    expect(without('ratings-v1', 'Deployment', deployment('ratings', 'v1', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'X' } } }] })))
      .toEqual([expect.stringContaining('missing Secret key creds/X')])
  })

  it('report VirtualService routes to a missing host, port, subset or gateway; accept ServiceEntry hosts', () => {
    expect(problems(virtualService({ host: 'reviewz' }))).toEqual([expect.stringContaining('destination reviewz is not a Service')])
    expect(problems(virtualService({ host: 'reviews', port: { number: 9081 } }))).toEqual([expect.stringContaining('has no port 9081')])
    expect(problems(virtualService({ host: 'reviews', subset: 'v3' }))).toEqual([expect.stringContaining('subset v3 is declared by no DestinationRule')])
    expect(problems(virtualService({ host: 'reviews' }, ['bookinfo-gateway']))).toEqual([expect.stringContaining('gateway bookinfo-gateway does not exist')])
    const entry: Manifest = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: meta('google'), spec: { hosts: ['www.googleapis.com'] } }
    expect(problems(entry, virtualService({ host: 'www.googleapis.com', port: { number: 443 } }))).toEqual([])
  })
})

describe('cross-checks for Gateway API and ambient', () => {
  const k8sGateway = (name: string, gatewayClassName: string): Manifest => ({
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: meta(name), spec: { gatewayClassName, listeners: [] },
  })
  const route = (parentRefs: unknown[], backendRefs: unknown[]): Manifest => ({
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta('r'), spec: { parentRefs, rules: [{ backendRefs }] },
  })
  const bound = (targetRefs: unknown[], extra: Record<string, unknown> = {}): Manifest => ({
    apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: meta('bound'), spec: { targetRefs, ...extra },
  })

  it('accept routes to existing Gateways and Service ports; report missing parents and backends', () => {
    expect(problems(k8sGateway('gw', 'istio'), route([{ name: 'gw' }, { group: '', kind: 'Service', name: 'reviews', port: 9080 }], [{ name: 'ratings', port: 9080 }]))).toEqual([])
    expect(problems(route([{ name: 'nogw' }], []))).toEqual([expect.stringContaining('parent Gateway nogw does not exist')])
    expect(problems(route([{ group: '', kind: 'Service', name: 'reviews', port: 80 }], []))).toEqual([expect.stringContaining('parent Service reviews:80')])
    expect(problems(route([], [{ name: 'reviews-v9', port: 9080 }]))).toEqual([expect.stringContaining('backend reviews-v9:9080')])
  })

  it('accept targetRefs to a Service or a waypoint; report missing ones and a policy with both selector and targetRefs', () => {
    expect(problems(k8sGateway('waypoint', 'istio-waypoint'), bound([{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' }]),
      bound([{ kind: 'Service', group: '', name: 'ratings' }]))).toEqual([])
    expect(problems(bound([{ kind: 'Service', group: '', name: 'detials' }]))).toEqual([expect.stringContaining('targetRef Service detials does not exist')])
    expect(problems(bound([{ kind: 'Service', group: '', name: 'reviews' }], { selector: { matchLabels: { app: 'reviews' } } })))
      .toEqual([expect.stringContaining('both selector and targetRefs')])
  })

  it('know the service accounts Istio creates for Gateway API gateways (waypoint: <name>; ingress: <name>-istio)', () => {
    const from = (principal: string): Manifest => policy('AuthorizationPolicy', { app: 'reviews' }, [principal])
    expect(problems(k8sGateway('waypoint', 'istio-waypoint'), from('cluster.local/ns/bookinfo/sa/waypoint'))).toEqual([])
    expect(problems(k8sGateway('gw', 'istio'), from('cluster.local/ns/bookinfo/sa/gw-istio'))).toEqual([])
    expect(problems(from('cluster.local/ns/bookinfo/sa/waypoint'))).toEqual([expect.stringContaining('names no ServiceAccount waypoint')])
  })
})

describe('Pod Security "restricted"', () => {
  const pod = (overrides: Record<string, unknown> = {}, context: Record<string, unknown> = {}): IPodSpec => ({
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    volumes: [{ name: 'tmp', emptyDir: {} }],
    containers: [{
      name: 'app',
      securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, ...context },
    }],
    ...overrides,
  })

  it('accepts a hardened pod and names each violation of a weaker one', () => {
    expect(restrictedProblems(pod())).toEqual([])
    expect(restrictedProblems(pod({}, { allowPrivilegeEscalation: true }))).toEqual(['container app: allowPrivilegeEscalation must be false'])
    expect(restrictedProblems(pod({}, { capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } }))).toEqual(['container app: capabilities added: NET_ADMIN'])
    expect(restrictedProblems(pod({ securityContext: { runAsNonRoot: true } }))).toEqual([expect.stringContaining('seccompProfile undefined')])
    expect(restrictedProblems(pod({ hostNetwork: true }))).toEqual(['host namespaces'])
    expect(restrictedProblems(pod({ volumes: [{ name: 'h', hostPath: { path: '/' } }] }))).toEqual(['volume h: type hostPath not allowed'])
    expect(restrictedProblems(pod({}, { runAsUser: 0 }))).toEqual(['container app: runAsUser 0'])
  })
})

describe('schemas and strict fields', () => {
  it('reject an unknown kind, and a document that breaks its schema', () => {
    expect(schemaProblem({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'r' } }))
      .toMatch(/^unknown kind policy\/v1 PodDisruptionBudget/)
    expect(schemaProblem({ ...service('reviews'), spec: { ports: [{ port: '9080' }] } })).toMatch(/port must be integer/)
    expect(schemaProblem(policy('AuthorizationPolicy', { app: 'x' }))).toBeUndefined()
  })

  it('report a misspelled or misplaced field that the schemas let through', () => {
    const typo = destinationRule('reviews', ['v1'])
    typo.spec = { host: 'reviews', subsets: [{ name: 'v1', label: { version: 'v1' } }] }
    expect(schemaProblem(typo)).toBeUndefined()
    expect(strictFieldProblems([{ source: 'typo.yaml', manifest: typo }, { source: 'ok.yaml', manifest: service('reviews') }]))
      .toEqual([expect.stringMatching(/^typo\.yaml DestinationRule\/reviews: .*'"label"' does not exist/)])
  })
})

describe('documents and kustomize helpers', () => {
  it('parse multi-document YAML, drop empty documents, and refuse broken ones', () => {
    expect(parseManifests('---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n---\n', 'x.yaml')).toHaveLength(1)
    expect(() => parseManifests('apiVersion: v1\nmetadata:\n  name: a\n', 'x.yaml')).toThrow(/x\.yaml \(document 1\): missing apiVersion or kind/)
    expect(() => parseManifests('kind: [\n', 'x.yaml')).toThrow(/YAML error/)
    expect(() => parseManifests('apiVersion: v1\nkind: Service\nmetadata: {}\n', 'x.yaml')).toThrow(/missing metadata\.name/)
  })

  it('fail loudly, naming kubectl, when kubectl cannot be run', () => {
    expect(() => requireKubectl('/nonexistent/kubectl')).toThrow(/kubectl is needed to render the kustomize overlays/)
  })

  it('walk a kustomization: the kind overlay reaches the istio folders, the base, the components and the patches', () => {
    const walk = kustomizationFiles('k8s/overlays/kind')
    expect(walk.kustomizations).toEqual(expect.arrayContaining([
      'k8s/overlays/kind/kustomization.yaml', 'k8s/base/kustomization.yaml', 'k8s/components/bundled-idp/kustomization.yaml',
      'istio/security/kustomization.yaml', 'istio/security/idp/kustomization.yaml',
    ]))
    expect(walk.resources).toEqual(expect.arrayContaining(['istio/networking/bookinfo-gateway.yaml', 'istio/security/request-authentication.yaml']))
    expect(walk.patches).toEqual(['k8s/components/bundled-idp/productpage-oidc.yaml'])
    expect(kustomizationFiles('k8s/overlays/auth0').generatorInputs).toEqual(['k8s/overlays/auth0/auth0.env', 'k8s/overlays/auth0/auth0.env'])
  })
})
