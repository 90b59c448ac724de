import { describe, expect, it } from 'vitest'
import type { IDeployment } from 'kubernetes-models/apps/v1'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { REPO_ROOT, parseManifests } from './documents.ts'
import type { SourcedManifest } from './documents.ts'
import { compositionLabel, kustomize, renderOverlay, renderableDirs, requireKubectl } from './kustomize.ts'
import { COMPOSITIONS } from './compositions.ts'
import { container, isOwnImage, named, ofKind, renderOf } from './helpers.ts'
import { schemaProblem } from './schemas.ts'
import { strictFieldProblems } from './strict-fields.ts'
import { allProblems } from './cross-checks.ts'
import { restrictedProblems } from './pod-security.ts'

// Renders every overlay and every combination k8s/README.md documents with plain `kubectl kustomize`, and
// checks each render: schemas, exact field names, cross-references, namespace, names, Pod Security.
// Every test that needs a render lives in this file or in ./suites (imported here), so that scripts/test.sh
// can leave out exactly this file, loudly, on a machine without kubectl.
import './suites/overlay-specifics.ts'
import './suites/authorization.ts'
import './suites/network-policies.ts'
import './suites/raw-references.ts'

const BOOKINFO_DEPLOYMENTS = ['productpage-v1', 'details-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3']
// The heap settings of docker-compose.yaml (less its tests-only debug variable): k8s/ ships the same.
const COMPOSE_NODE_OPTIONS = String((parse(readFileSync(join(REPO_ROOT, 'docker-compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, { environment: Record<string, string> }> })
  .services.details?.environment.NODE_OPTIONS).replace(/\s*\$\{BOOKINFO_NODE_DEBUG_OPTIONS:-\}$/, '')

it('kubectl with kustomize v5 is installed (needed to render the overlays; this test does not skip)', () => {
  expect(requireKubectl()).toMatch(/Kustomize Version: v5/)
})

it('finds the base and the three overlays', () => {
  expect(renderableDirs().sort()).toEqual(['k8s/base', 'k8s/overlays/auth0', 'k8s/overlays/kind', 'k8s/overlays/kind-ambient'])
})

describe('as on a fresh clone: plain `kubectl kustomize`, no flag, no hand-made file', () => {
  it.each(['k8s/base', 'k8s/overlays/kind', 'k8s/overlays/kind-ambient'])('%s renders from the repository itself', (dir) => {
    const manifests = parseManifests(kustomize(join(REPO_ROOT, dir)), dir)
    expect(manifests.length).toBeGreaterThan(10)
  })

  it('k8s/overlays/auth0 without its git-ignored auth0.env fails, naming the file', () => {
    const copy = mkdtempSync(join(tmpdir(), 'bookinfo-auth0-'))
    try {
      for (const top of ['k8s', 'istio']) cpSync(join(REPO_ROOT, top), join(copy, top), { recursive: true, filter: (path) => !path.endsWith('.env') })
      expect(() => kustomize(join(copy, 'k8s/overlays/auth0'))).toThrow(/k8s\/overlays\/auth0\/auth0\.env/)
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
  })
})

it('no document of any documented composition has a field its API does not define', () => {
  // One type-check over the distinct documents of every render (the compiler is the slow part).
  const distinct = new Map<string, SourcedManifest>()
  for (const composition of COMPOSITIONS) {
    for (const { manifest } of renderOverlay(composition.overlay, composition)) {
      distinct.set(JSON.stringify(manifest), { source: compositionLabel(composition.overlay, composition), manifest })
    }
  }
  expect(strictFieldProblems([...distinct.values()])).toEqual([])
}, 240_000) // renders every composition (about a second each) before the one type-check

describe.each(COMPOSITIONS.map((composition) => [compositionLabel(composition.overlay, composition), composition] as const))('%s', (_, composition) => {
  const render = (): ReturnType<typeof renderOf> => renderOf(composition)

  it('every document validates against its kubernetes-models / istio / gateway-api schema', () => {
    expect(render().map(schemaProblem).filter((problem) => problem !== undefined)).toEqual([])
  })

  it('objects refer to each other consistently (subsets, selectors, targetRefs, principals, ports, accounts, secrets, routes)', () => {
    expect(allProblems({ manifests: render(), defaultNamespace: 'bookinfo' })).toEqual([])
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

  it('reviews v1 has ratings off; v2 black and v3 red stars with ratings on (set explicitly, whatever the image defaults)', () => {
    const manifests = render()
    const env = (name: string): Array<[string, string | undefined]> =>
      (container(named<IDeployment>(manifests, 'Deployment', name)).env ?? []).map((variable) => [variable.name, variable.value])
    const own = (name: string) => env(name).filter(([n]) => n === 'ENABLE_RATINGS' || n === 'STAR_COLOR')
    expect(own('reviews-v1')).toEqual([['ENABLE_RATINGS', 'false']])
    expect(own('reviews-v2')).toEqual([['ENABLE_RATINGS', 'true'], ['STAR_COLOR', 'black']])
    expect(own('reviews-v3')).toEqual([['ENABLE_RATINGS', 'true'], ['STAR_COLOR', 'red']])
  })

  it('the four Bookinfo services: 256Mi, the heap settings docker-compose.yaml has, and a shutdown that fits the pod\'s grace period', () => {
    const manifests = render()
    for (const name of BOOKINFO_DEPLOYMENTS) {
      const pod = named<IDeployment>(manifests, 'Deployment', name).spec?.template.spec
      const main = container(named<IDeployment>(manifests, 'Deployment', name))
      const env = Object.fromEntries((main.env ?? []).map((v) => [v.name, v.value]))
      expect(main.resources?.limits?.memory, name).toBe('256Mi')
      expect(env.NODE_OPTIONS, name).toBe(COMPOSE_NODE_OPTIONS)
      // Readiness false within two probe periods, inside the delay; the whole shutdown inside the grace period.
      const probe = main.readinessProbe
      expect((probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3) * 1000, name).toBeLessThan(Number(env.SHUTDOWN_DELAY_MS))
      expect(Number(env.SHUTDOWN_GRACE_MS), name).toBeLessThan((pod?.terminationGracePeriodSeconds ?? 30) * 1000)
    }
  })

  it('every pod meets the Pod Security "restricted" profile, with a read-only root filesystem', () => {
    for (const deployment of ofKind<IDeployment>(render(), 'Deployment')) {
      const pod = deployment.spec?.template.spec
      expect(restrictedProblems(pod), deployment.metadata.name).toEqual([])
      for (const each of pod?.containers ?? []) expect(each.securityContext?.readOnlyRootFilesystem, deployment.metadata.name).toBe(true)
    }
  })

  it('every pod has requests and limits; every served port has readiness and liveness probes (/health for HTTP)', () => {
    for (const deployment of ofKind<IDeployment>(render(), 'Deployment')) {
      const main = container(deployment)
      const name = deployment.metadata.name
      expect(Object.keys(main.resources?.requests ?? {}).sort(), name).toEqual(['cpu', 'memory'])
      expect(Object.keys(main.resources?.limits ?? {}).sort(), name).toEqual(['cpu', 'memory'])
      const port = main.ports?.[0]
      if (port === undefined) continue
      for (const probe of [main.readinessProbe, main.livenessProbe]) {
        if (port.name === 'http') expect(probe?.httpGet, name).toEqual({ path: '/health', port: 'http' })
        else expect(probe?.tcpSocket, name).toEqual({ port: port.name })
      }
    }
  })

  it('our images carry the tag dev; in kind they are never pulled (loaded with `kind load`)', () => {
    for (const deployment of ofKind<IDeployment>(render(), 'Deployment')) {
      const main = container(deployment)
      if (!isOwnImage(main.image)) {
        expect(main.imagePullPolicy, deployment.metadata.name).toBeUndefined()
        continue
      }
      expect(main.image, deployment.metadata.name).toMatch(/:dev$/)
      expect(main.imagePullPolicy, deployment.metadata.name).toBe(composition.overlay.includes('/kind') ? 'Never' : undefined)
    }
  })

  it('the four Bookinfo services are scraped by Prometheus on 9080 /metrics', () => {
    const manifests = render()
    for (const name of BOOKINFO_DEPLOYMENTS) {
      expect(named<IDeployment>(manifests, 'Deployment', name).spec?.template.metadata?.annotations).toEqual({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '9080',
        'prometheus.io/path': '/metrics',
        // The sidecar outlives the app's shutdown (k8s/README.md, "Shutdown").
        'proxy.istio.io/config': '{"terminationDrainDuration": "16s"}',
      })
    }
  })
})
