import { describe, expect, it } from 'vitest'
import type { IDeployment } from 'kubernetes-models/apps/v1'
import type { IContainer, ISecret } from 'kubernetes-models/v1'
import type { IRequestAuthentication } from '@kubernetes-models/istio/security.istio.io/v1'
import { parseEnv } from 'node:util'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from './documents.ts'
import type { Manifest } from './documents.ts'
import { renderOverlay, renderableDirs, requireKubectl } from './kustomize.ts'
import { schemaProblem } from './schemas.ts'
import { strictFieldProblems } from './strict-fields.ts'
import { allProblems } from './cross-checks.ts'

// Renders every kustomization with kubectl and checks the output: schemas, exact field names, the cross-references
// between objects, and what each overlay promises (k8s/README.md).

const BOOKINFO_DEPLOYMENTS = ['productpage-v1', 'details-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3']

const ofKind = <T>(manifests: Manifest[], kind: string): Array<T & Manifest> =>
  manifests.filter((manifest) => manifest.kind === kind) as Array<T & Manifest>
const named = <T>(manifests: Manifest[], kind: string, name: string): T & Manifest => {
  const found = ofKind<T>(manifests, kind).find((manifest) => manifest.metadata.name === name)
  if (found === undefined) throw new Error(`no ${kind} ${name} in the render`)
  return found
}
const container = (deployment: IDeployment): IContainer => {
  const first = deployment.spec?.template.spec?.containers[0]
  if (first === undefined) throw new Error('Deployment without containers')
  return first
}
const envValue = (deployment: IDeployment, name: string): string | undefined =>
  container(deployment).env?.find((variable) => variable.name === name)?.value
const secretKeys = (secret: ISecret | undefined): string[] => Object.keys(secret?.data ?? {}).sort()
const generated = (manifests: Manifest[], kind: string, prefix: string): Manifest[] =>
  manifests.filter((manifest) => manifest.kind === kind && manifest.metadata.name.startsWith(`${prefix}-`))
const exampleEnv = (overlay: string, file: string): Record<string, string> =>
  parseEnv(readFileSync(join(REPO_ROOT, 'k8s', 'overlays', overlay, file), 'utf8')) as Record<string, string>

it('kubectl with kustomize v5 is installed (needed to render the overlays; this test does not skip)', () => {
  expect(requireKubectl()).toMatch(/Kustomize Version: v5/)
})

it('finds the base and the three overlays', () => {
  expect(renderableDirs()).toEqual(['k8s/base', 'k8s/overlays/auth0', 'k8s/overlays/dev-idp', 'k8s/overlays/kind'])
})

describe.each(renderableDirs())('%s', (dir) => {
  // Rendered (once, cached) inside each test: without kubectl every test fails with the reason, none is skipped.
  const render = (): Manifest[] => renderOverlay(dir).map(({ manifest }) => manifest)

  it('every document validates against its kubernetes-models / @kubernetes-models/istio schema', () => {
    const manifests = render()
    expect(manifests.length).toBeGreaterThan(10)
    expect(manifests.map(schemaProblem).filter((problem) => problem !== undefined)).toEqual([])
  })

  it('no document has a field its API does not define', () => {
    const manifests = render()
    expect(strictFieldProblems(manifests.map((manifest) => ({ source: dir, manifest })))).toEqual([])
  })

  it('objects refer to each other consistently (subsets, selectors, principals, ports, accounts, secrets)', () => {
    const manifests = render()
    expect(allProblems({ manifests, defaultNamespace: 'bookinfo' })).toEqual([])
  })

  it('everything lives in namespace bookinfo, which the render creates', () => {
    const manifests = render()
    const outside = manifests.filter((manifest) => manifest.kind !== 'Namespace' && manifest.metadata.namespace !== 'bookinfo')
    expect(outside.map((manifest) => `${manifest.kind}/${manifest.metadata.name}`)).toEqual([])
    expect(ofKind(manifests, 'Namespace').map((namespace) => namespace.metadata.name)).toEqual(['bookinfo'])
  })

  it('has upstream Bookinfo names: Services, ServiceAccounts and Deployments with app/version labels', () => {
    const manifests = render()
    for (const app of ['productpage', 'details', 'reviews', 'ratings']) {
      expect(named(manifests, 'Service', app).metadata.labels).toEqual({ app, service: app })
      expect(named(manifests, 'ServiceAccount', `bookinfo-${app}`).metadata.labels).toEqual({ account: app })
    }
    for (const name of BOOKINFO_DEPLOYMENTS) {
      const [app, version] = name.split('-')
      const deployment = named<IDeployment>(manifests, 'Deployment', name)
      expect(deployment.metadata.labels).toEqual({ app, version })
      expect(deployment.spec?.template.metadata?.labels).toEqual({ app, version })
      expect(deployment.spec?.template.spec?.serviceAccountName).toBe(`bookinfo-${app}`)
      expect(container(deployment).image).toBe(`bookinfo-ts/examples-bookinfo-${app}-${version}:dev`)
    }
  })

  it('reviews v1 has ratings off; v2 black and v3 red stars with ratings on', () => {
    const manifests = render()
    const env = (name: string): Array<[string, string | undefined]> =>
      (container(named<IDeployment>(manifests, 'Deployment', name)).env ?? []).map((variable) => [variable.name, variable.value])
    expect(env('reviews-v1')).toEqual([['ENABLE_RATINGS', 'false']])
    expect(env('reviews-v2')).toEqual([['ENABLE_RATINGS', 'true'], ['STAR_COLOR', 'black']])
    expect(env('reviews-v3')).toEqual([['ENABLE_RATINGS', 'true'], ['STAR_COLOR', 'red']])
  })

  it('every pod meets the PSA "restricted" profile, with a writable /tmp only', () => {
    const manifests = render()
    for (const deployment of ofKind<IDeployment>(manifests, 'Deployment')) {
      const pod = deployment.spec?.template.spec
      expect(pod?.securityContext, deployment.metadata.name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } })
      for (const each of pod?.containers ?? []) {
        expect(each.securityContext, deployment.metadata.name).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
        })
        expect(each.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }])
      }
      expect(pod?.volumes).toEqual([{ name: 'tmp', emptyDir: {} }])
    }
  })

  it('every pod has requests and limits, /health probes, a grace period over the app\'s 10 s drain', () => {
    const manifests = render()
    for (const deployment of ofKind<IDeployment>(manifests, 'Deployment')) {
      const pod = deployment.spec?.template.spec
      const main = container(deployment)
      expect(Object.keys(main.resources?.requests ?? {}).sort(), deployment.metadata.name).toEqual(['cpu', 'memory'])
      expect(Object.keys(main.resources?.limits ?? {}).sort(), deployment.metadata.name).toEqual(['cpu', 'memory'])
      expect(pod?.terminationGracePeriodSeconds).toBeGreaterThan(10)
      for (const probe of [main.readinessProbe, main.livenessProbe]) {
        expect(probe?.httpGet, deployment.metadata.name).toEqual({ path: '/health', port: 'http' })
      }
    }
  })

  it('the four Bookinfo services are scraped by Prometheus on 9080 /metrics', () => {
    const manifests = render()
    for (const name of BOOKINFO_DEPLOYMENTS) {
      expect(named<IDeployment>(manifests, 'Deployment', name).spec?.template.metadata?.annotations).toEqual({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '9080',
        'prometheus.io/path': '/metrics',
      })
    }
  })
})

describe('k8s/overlays/dev-idp', () => {
  // Rendered (once, cached) inside each test: without kubectl every test fails with the reason, none is skipped.
  const render = (): Manifest[] => renderOverlay('k8s/overlays/dev-idp').map(({ manifest }) => manifest)

  it('adds the IdP (Deployment, Service on 9090, ServiceAccount idp) and no mesh resources', () => {
    const manifests = render()
    expect(named<IDeployment>(manifests, 'Deployment', 'idp').spec?.template.spec?.serviceAccountName).toBe('idp')
    expect(named(manifests, 'Service', 'idp')).toMatchObject({ spec: { ports: [{ name: 'http', port: 9090 }] } })
    expect(manifests.filter((manifest) => manifest.apiVersion.includes('istio.io'))).toEqual([])
  })

  it('productpage and the IdP agree on issuer, client, audience and callback; the back channel is in-cluster', () => {
    const manifests = render()
    const productpage = named<IDeployment>(manifests, 'Deployment', 'productpage-v1')
    const idp = named<IDeployment>(manifests, 'Deployment', 'idp')
    expect(envValue(productpage, 'OIDC_ISSUER')).toBe('http://localhost:8080/')
    expect(envValue(idp, 'IDP_ISSUER')).toBe(envValue(productpage, 'OIDC_ISSUER'))
    expect(envValue(productpage, 'OIDC_INTERNAL_BASE_URL')).toBe('http://idp.bookinfo.svc.cluster.local:9090/')
    expect(envValue(idp, 'IDP_PORT')).toBe('9090')
    expect(envValue(idp, 'IDP_REDIRECT_URIS')).toBe(envValue(productpage, 'OIDC_CALLBACK_URL'))
    expect(envValue(idp, 'IDP_POST_LOGOUT_URIS')).toBe('http://localhost:8080/productpage')
    // The IdP takes its client and API from the seed baked into its image.
    const seed = JSON.parse(readFileSync(join(REPO_ROOT, 'dev', 'idp', 'seed.json'), 'utf8')) as { api: { identifier: string }, client: { client_id: string } }
    expect(envValue(productpage, 'OIDC_CLIENT_ID')).toBe(seed.client.client_id)
    expect(envValue(productpage, 'OIDC_AUDIENCE')).toBe(seed.api.identifier)
  })

  it('the client and session secrets come from one generated Secret, shared with the IdP', () => {
    const manifests = render()
    const [secret, ...others] = generated(manifests, 'Secret', 'oidc-credentials') as ISecret[]
    expect(others).toEqual([])
    expect(secretKeys(secret)).toEqual(['OIDC_CLIENT_SECRET', 'SESSION_SECRET'])
    const productpage = named<IDeployment>(manifests, 'Deployment', 'productpage-v1')
    expect(container(productpage).envFrom).toEqual([{ secretRef: { name: secret?.metadata?.name } }])
    const idp = named<IDeployment>(manifests, 'Deployment', 'idp')
    expect(container(idp).env?.find((variable) => variable.name === 'IDP_DEV_CLIENT_SECRET')?.valueFrom)
      .toEqual({ secretKeyRef: { name: secret?.metadata?.name, key: 'OIDC_CLIENT_SECRET' } })
  })
})

describe('k8s/overlays/auth0', () => {
  const tenant = exampleEnv('auth0', 'auth0.env.example')
  // Rendered (once, cached) inside each test: without kubectl every test fails with the reason, none is skipped.
  const render = (): Manifest[] => renderOverlay('k8s/overlays/auth0').map(({ manifest }) => manifest)

  it('productpage reads the seed\'s app-credentials keys (plus the session secret) from a generated Secret', () => {
    const manifests = render()
    const [secret, ...others] = generated(manifests, 'Secret', 'app-credentials') as ISecret[]
    expect(others).toEqual([])
    expect(secretKeys(secret)).toEqual([
      'AUTH0_AUDIENCE', 'AUTH0_CALLBACK_URL', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET', 'AUTH0_DOMAIN', 'SESSION_SECRET',
    ])
    const productpage = named<IDeployment>(manifests, 'Deployment', 'productpage-v1')
    expect(container(productpage).envFrom).toEqual([{ secretRef: { name: secret?.metadata?.name } }])
  })

  it('the RequestAuthentication and the egress ServiceEntry name the tenant from auth0.env', () => {
    const manifests = render()
    const authn = named<IRequestAuthentication>(manifests, 'RequestAuthentication', 'bookinfo-jwt')
    expect(authn.spec?.jwtRules).toEqual([{
      issuer: `https://${tenant.AUTH0_DOMAIN}/`,
      jwksUri: `https://${tenant.AUTH0_DOMAIN}/.well-known/jwks.json`,
      audiences: [tenant.AUTH0_AUDIENCE],
      forwardOriginalToken: true,
    }])
    expect(named(manifests, 'ServiceEntry', 'auth0-tenant')).toMatchObject({ spec: { hosts: [tenant.AUTH0_DOMAIN] } })
  })

  it('leaves no placeholder, no bundled IdP and no ConfigMap holding the client secret', () => {
    const manifests = render()
    const text = JSON.stringify(manifests)
    for (const placeholder of ['AUTH0_DOMAIN/', 'tenant.auth0.invalid', 'localhost:9090']) expect(text).not.toContain(placeholder)
    expect(ofKind(manifests, 'ConfigMap')).toEqual([])
    expect(manifests.filter((manifest) => manifest.metadata.name.startsWith('idp'))).toEqual([])
  })

  it('the namespace gets Istio sidecars', () => {
    const manifests = render()
    expect(named(manifests, 'Namespace', 'bookinfo').metadata.labels).toEqual({ 'istio-injection': 'enabled' })
  })
})

describe('k8s/overlays/kind', () => {
  // Rendered (once, cached) inside each test: without kubectl every test fails with the reason, none is skipped.
  const render = (): Manifest[] => renderOverlay('k8s/overlays/kind').map(({ manifest }) => manifest)

  it('uses the kind-loaded images only', () => {
    const manifests = render()
    for (const deployment of ofKind<IDeployment>(manifests, 'Deployment')) {
      expect(container(deployment).imagePullPolicy, deployment.metadata.name).toBe('Never')
    }
  })

  it('Istio checks tokens with the issuer the IdP mints and productpage expects, keys from the in-cluster IdP', () => {
    const manifests = render()
    const productpage = named<IDeployment>(manifests, 'Deployment', 'productpage-v1')
    const idp = named<IDeployment>(manifests, 'Deployment', 'idp')
    const [rule, ...others] = named<IRequestAuthentication>(manifests, 'RequestAuthentication', 'bookinfo-jwt').spec?.jwtRules ?? []
    expect(others).toEqual([])
    expect(rule?.issuer).toBe(envValue(idp, 'IDP_ISSUER'))
    expect(rule?.issuer).toBe(envValue(productpage, 'OIDC_ISSUER'))
    expect(rule?.jwksUri).toBe(`${envValue(productpage, 'OIDC_INTERNAL_BASE_URL') ?? ''}.well-known/jwks.json`)
    expect(rule?.audiences).toEqual([envValue(productpage, 'OIDC_AUDIENCE')])
    expect(rule?.forwardOriginalToken).toBe(true)
  })

  it('runs in a mesh: injection on, strict mTLS, plaintext only for istiod\'s JWKS fetch from the IdP', () => {
    const manifests = render()
    expect(named(manifests, 'Namespace', 'bookinfo').metadata.labels).toEqual({ 'istio-injection': 'enabled' })
    expect(named(manifests, 'PeerAuthentication', 'default')).toMatchObject({ spec: { mtls: { mode: 'STRICT' } } })
    expect(named(manifests, 'PeerAuthentication', 'idp-permissive'))
      .toMatchObject({ spec: { selector: { matchLabels: { app: 'idp' } }, mtls: { mode: 'PERMISSIVE' } } })
  })

  it('routes the browser to productpage and the IdP through the ingress gateway', () => {
    const manifests = render()
    expect(ofKind(manifests, 'Gateway').map((gateway) => gateway.metadata.name)).toEqual(['bookinfo-gateway'])
    expect(ofKind(manifests, 'VirtualService').map((service) => service.metadata.name).sort()).toEqual(['bookinfo', 'idp'])
    expect(ofKind(manifests, 'AuthorizationPolicy').map((policy) => policy.metadata.name)).toContain('idp-policy')
  })

  it('leaves no placeholder behind', () => {
    const manifests = render()
    const text = JSON.stringify(manifests)
    for (const placeholder of ['localhost:9090', 'tenant.auth0.invalid', 'AUTH0_']) expect(text).not.toContain(placeholder)
  })
})
