import { describe, expect, it } from 'vitest'
import type { IDeployment } from 'kubernetes-models/apps/v1'
import type { IConfigMap, ISecret } from 'kubernetes-models/v1'
import type { IRequestAuthentication } from '@kubernetes-models/istio/security.istio.io/v1'
import { parseEnv } from 'node:util'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from '../documents.ts'
import type { Manifest } from '../documents.ts'
import { KIND_GATEWAY_API } from '../compositions.ts'
import { container, envValue, generated, named, ofKind, renderOf, secretKeys } from '../helpers.ts'

// What each overlay and component promises (k8s/README.md), beyond the checks every render gets.

const KIND = { overlay: 'k8s/overlays/kind' }
const AMBIENT = { overlay: 'k8s/overlays/kind-ambient' }
const AUTH0 = { overlay: 'k8s/overlays/auth0' }
const seed = JSON.parse(readFileSync(join(REPO_ROOT, 'dev', 'idp', 'seed.json'), 'utf8')) as { api: { identifier: string }, client: { client_id: string } }
const policiesOf = (manifests: Manifest[]): Array<Manifest & { spec?: { selector?: unknown, targetRefs?: Array<{ kind: string, name: string }> } }> =>
  ofKind(manifests, 'AuthorizationPolicy')

describe.each([['kind', KIND], ['kind-ambient', AMBIENT]])('k8s/overlays/%s: the bundled IdP', (_, overlay) => {
  it('productpage, the IdP and Istio agree on issuer, client, audience and callback; back channels are in-cluster', () => {
    const manifests = renderOf(overlay)
    const productpage = named<IDeployment>(manifests, 'Deployment', 'productpage-v1')
    const idp = named<IDeployment>(manifests, 'Deployment', 'idp')
    const [rule, ...others] = named<IRequestAuthentication>(manifests, 'RequestAuthentication', 'bookinfo-jwt').spec?.jwtRules ?? []
    expect(others).toEqual([])
    expect(envValue(productpage, 'OIDC_ISSUER')).toBe('http://localhost:8080/')
    expect(envValue(idp, 'IDP_ISSUER')).toBe(envValue(productpage, 'OIDC_ISSUER'))
    expect(rule?.issuer).toBe(envValue(productpage, 'OIDC_ISSUER'))
    expect(envValue(productpage, 'OIDC_INTERNAL_BASE_URL')).toBe('http://idp.bookinfo.svc.cluster.local:9090/')
    expect(rule?.jwksUri).toBe(`${envValue(productpage, 'OIDC_INTERNAL_BASE_URL') ?? ''}.well-known/jwks.json`)
    expect(rule?.audiences).toEqual([seed.api.identifier])
    expect(rule?.forwardOriginalToken).toBe(true)
    expect(envValue(productpage, 'OIDC_AUDIENCE')).toBe(seed.api.identifier)
    expect(envValue(productpage, 'OIDC_CLIENT_ID')).toBe(seed.client.client_id)
    expect(envValue(idp, 'IDP_PORT')).toBe('9090')
    expect(envValue(idp, 'IDP_REDIRECT_URIS')).toBe(envValue(productpage, 'OIDC_CALLBACK_URL'))
    expect(envValue(idp, 'IDP_POST_LOGOUT_URIS')).toBe('http://localhost:8080/productpage')
  })

  it('the client and session secrets are one generated Secret (committed dev-only defaults), shared with the IdP', () => {
    const manifests = renderOf(overlay)
    const [secret, ...others] = generated(manifests, 'Secret', 'oidc-credentials') as ISecret[]
    expect(others).toEqual([])
    expect(secretKeys(secret)).toEqual(['OIDC_CLIENT_SECRET', 'SESSION_SECRET'])
    expect(Buffer.from(secret?.data?.SESSION_SECRET ?? '', 'base64').toString()).toMatch(/^bookinfo-dev-only-.{24,}$/)
    expect(container(named<IDeployment>(manifests, 'Deployment', 'productpage-v1')).envFrom).toEqual([{ secretRef: { name: secret?.metadata?.name } }])
    expect(container(named<IDeployment>(manifests, 'Deployment', 'idp')).env?.find((variable) => variable.name === 'IDP_DEV_CLIENT_SECRET')?.valueFrom)
      .toEqual({ secretKeyRef: { name: secret?.metadata?.name, key: 'OIDC_CLIENT_SECRET' } })
  })

  it('strict mTLS, with plaintext only for istiod\'s JWKS fetch from the IdP; no placeholder left', () => {
    const manifests = renderOf(overlay)
    expect(named(manifests, 'PeerAuthentication', 'default')).toMatchObject({ spec: { mtls: { mode: 'STRICT' } } })
    expect(named(manifests, 'PeerAuthentication', 'idp-permissive'))
      .toMatchObject({ spec: { selector: { matchLabels: { app: 'idp' } }, mtls: { mode: 'PERMISSIVE' } } })
    const text = JSON.stringify(manifests)
    for (const placeholder of ['localhost:9090', 'tenant.auth0.invalid', 'AUTH0_']) expect(text).not.toContain(placeholder)
  })
})

describe('k8s/overlays/kind', () => {
  it('runs with sidecars and routes the browser to productpage and the IdP through the Istio ingress gateway', () => {
    const manifests = renderOf(KIND)
    expect(named(manifests, 'Namespace', 'bookinfo').metadata.labels).toEqual({ 'istio-injection': 'enabled' })
    expect(ofKind(manifests, 'Gateway').map((gateway) => `${gateway.apiVersion} ${gateway.metadata.name}`)).toEqual(['networking.istio.io/v1 bookinfo-gateway'])
    expect(ofKind(manifests, 'VirtualService').map((service) => service.metadata.name).sort()).toEqual(['bookinfo', 'idp'])
    expect(policiesOf(manifests).map((policy) => policy.metadata.name)).toContain('idp-policy')
    expect(policiesOf(manifests).filter((policy) => policy.spec?.targetRefs !== undefined)).toEqual([])
  })

  it('with the Gateway API ingress instead: a Gateway API Gateway on a kind NodePort, HTTPRoutes for productpage and the IdP', () => {
    const manifests = renderOf(KIND_GATEWAY_API)
    expect(ofKind(manifests, 'Gateway').map((gateway) => `${gateway.apiVersion} ${gateway.metadata.name}`)).toEqual(['gateway.networking.k8s.io/v1 bookinfo-gateway'])
    expect(ofKind(manifests, 'VirtualService')).toEqual([])
    expect(ofKind(manifests, 'HTTPRoute').map((route) => route.metadata.name).sort()).toEqual(['bookinfo', 'idp'])
    expect(named<IConfigMap>(manifests, 'ConfigMap', 'bookinfo-gateway-options').data?.service).toMatch(/type: NodePort[\s\S]*port: 80\s+nodePort: 30080/)
  })
})

describe('k8s/overlays/kind-ambient', () => {
  it('labels the namespace for ambient with the waypoint (ingress too) and injects no sidecars', () => {
    const manifests = renderOf(AMBIENT)
    expect(named(manifests, 'Namespace', 'bookinfo').metadata.labels).toEqual({
      'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint', 'istio.io/ingress-use-waypoint': 'true',
    })
    expect(named(manifests, 'Gateway', 'waypoint')).toMatchObject({
      apiVersion: 'gateway.networking.k8s.io/v1', spec: { gatewayClassName: 'istio-waypoint', listeners: [{ port: 15008, protocol: 'HBONE' }] },
    })
  })

  it('binds every L7 policy to its Service (or the waypoint) with targetRefs; ztunnel keeps only L4 policies', () => {
    const manifests = renderOf({ ...AMBIENT, add: ['../../components/redis-sessions', '../../components/ratings-v2-mysql'] })
    const selectorBound = policiesOf(manifests).filter((policy) => policy.spec?.targetRefs === undefined)
    expect(selectorBound.map((policy) => policy.metadata.name).sort()).toEqual(['allow-nothing', 'ztunnel-from-waypoint'])
    for (const policy of policiesOf(manifests)) expect(policy.spec?.selector, policy.metadata.name).toBeUndefined()
    expect(named<IRequestAuthentication>(manifests, 'RequestAuthentication', 'bookinfo-jwt').spec?.targetRefs)
      .toEqual([{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' }])
  })

  it('the load generator connects to the Gateway API gateway', () => {
    const manifests = renderOf({ ...AMBIENT, add: ['../../components/loadgen'] })
    expect(envValue(named<IDeployment>(manifests, 'Deployment', 'loadgen'), 'LOADGEN_CONNECT_TO')).toBe('bookinfo-gateway-istio.bookinfo.svc.cluster.local:80')
  })
})

describe('k8s/overlays/auth0', () => {
  const tenant = parseEnv(readFileSync(join(REPO_ROOT, 'k8s/overlays/auth0/auth0.env.example'), 'utf8')) as Record<string, string>

  it('productpage reads every key of auth0.env from a generated Secret', () => {
    const manifests = renderOf(AUTH0)
    const [secret, ...others] = generated(manifests, 'Secret', 'app-credentials') as ISecret[]
    expect(others).toEqual([])
    expect(secretKeys(secret)).toEqual(['AUTH0_AUDIENCE', 'AUTH0_CALLBACK_URL', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET', 'AUTH0_DOMAIN', 'SESSION_SECRET'])
    expect(container(named<IDeployment>(manifests, 'Deployment', 'productpage-v1')).envFrom).toEqual([{ secretRef: { name: secret?.metadata?.name } }])
  })

  it('the RequestAuthentication and the egress ServiceEntry name the tenant from auth0.env; no placeholder, no IdP, no ConfigMap', () => {
    const manifests = renderOf(AUTH0)
    expect(named<IRequestAuthentication>(manifests, 'RequestAuthentication', 'bookinfo-jwt').spec?.jwtRules).toEqual([{
      issuer: `https://${tenant.AUTH0_DOMAIN}/`,
      jwksUri: `https://${tenant.AUTH0_DOMAIN}/.well-known/jwks.json`,
      audiences: [tenant.AUTH0_AUDIENCE],
      forwardOriginalToken: true,
    }])
    expect(named(manifests, 'ServiceEntry', 'auth0-tenant')).toMatchObject({ spec: { hosts: [tenant.AUTH0_DOMAIN] } })
    const text = JSON.stringify(manifests)
    for (const placeholder of ['AUTH0_DOMAIN/', 'tenant.auth0.invalid', 'localhost:9090']) expect(text).not.toContain(placeholder)
    expect(ofKind(manifests, 'ConfigMap')).toEqual([])
    expect(manifests.filter((manifest) => manifest.metadata.name.startsWith('idp'))).toEqual([])
    expect(named(manifests, 'Namespace', 'bookinfo').metadata.labels).toEqual({ 'istio-injection': 'enabled' })
  })
})

describe('components', () => {
  it('redis-sessions: 2 productpage replicas sharing sessions in Redis, the password expanded from an earlier variable', () => {
    const manifests = renderOf({ ...KIND, add: ['../../components/redis-sessions'] })
    const productpage = named<IDeployment>(manifests, 'Deployment', 'productpage-v1')
    expect(productpage.spec?.replicas).toBe(2)
    const names = (container(productpage).env ?? []).map((variable) => variable.name)
    expect(names.indexOf('REDIS_PASSWORD')).toBeGreaterThanOrEqual(0)
    expect(names.indexOf('REDIS_PASSWORD')).toBeLessThan(names.indexOf('SESSION_REDIS_URL'))
    expect(envValue(productpage, 'SESSION_REDIS_URL')).toBe('redis://:$(REDIS_PASSWORD)@redis.bookinfo.svc.cluster.local:6379')
    expect(named(manifests, 'AuthorizationPolicy', 'redis-policy')).toMatchObject({ spec: { rules: [{ from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpage'] } }] }] } })
  })

  it('ratings-v2-mysql: MariaDB seeded with the ratings service\'s own seed file, and ratings may reach it', () => {
    const manifests = renderOf({ ...KIND, add: ['../../components/ratings-v2-mysql'] })
    const [seedMap] = generated(manifests, 'ConfigMap', 'mysqldb-seed') as IConfigMap[]
    expect(seedMap?.data?.['mysql-seed.sql']).toBe(readFileSync(join(REPO_ROOT, 'services/ratings/db/mysql-seed.sql'), 'utf8'))
    const ratings = named<IDeployment>(manifests, 'Deployment', 'ratings-v2-mysql')
    expect(ratings.spec?.template.metadata?.labels).toEqual({ app: 'ratings', version: 'v2-mysql' })
    expect(envValue(ratings, 'DB_TYPE')).toBe('mysql')
    expect(envValue(ratings, 'MYSQL_DB_HOST')).toBe('mysqldb')
    expect(named(manifests, 'AuthorizationPolicy', 'mysqldb-policy')).toBeDefined()
  })

  it('details-v2: the external book service on, plain HTTP for the mesh to originate TLS (as upstream)', () => {
    const details = named<IDeployment>(renderOf({ ...KIND, add: ['../../components/details-v2'] }), 'Deployment', 'details-v2')
    expect(details.spec?.template.metadata?.labels).toEqual({ app: 'details', version: 'v2' })
    expect(envValue(details, 'ENABLE_EXTERNAL_BOOK_SERVICE')).toBe('true')
    expect(envValue(details, 'DO_NOT_ENCRYPT')).toBe('true')
  })

  it('loadgen: a client outside the mesh, aimed at the public address through the Istio ingress gateway', () => {
    const loadgen = named<IDeployment>(renderOf({ ...KIND, add: ['../../components/loadgen'] }), 'Deployment', 'loadgen')
    expect(loadgen.spec?.template.metadata?.annotations).toEqual({ 'sidecar.istio.io/inject': 'false' })
    expect(loadgen.spec?.template.metadata?.labels?.['istio.io/dataplane-mode']).toBe('none')
    expect(envValue(loadgen, 'LOADGEN_TARGET')).toBe('http://localhost:8080')
    expect(envValue(loadgen, 'LOADGEN_CONNECT_TO')).toBe('istio-ingressgateway.istio-system.svc.cluster.local:80')
    expect(container(loadgen).image).toBe('bookinfo-ts/loadgen:dev')
  })
})
