import { describe, expect, it } from 'vitest'
import type { IDeployment } from 'kubernetes-models/apps/v1'
import type { Manifest } from '../documents.ts'
import { OPTIONAL } from '../compositions.ts'
import { ofKind, renderOf } from '../helpers.ts'
import { connectionAllowed, type Endpoint } from '../network-policy.ts'
import { readmeMatrix } from '../readme-matrix.ts'

// The network-policies component on kind with every optional workload: exactly the connections that the
// app's calls and the mesh's plumbing need are allowed, and none that the authorization matrix denies.

const ALL = { overlay: 'k8s/overlays/kind', add: OPTIONAL.map((name) => `../../components/${name}`) }
const SERVING_PORT: Record<string, number> = { idp: 9090, redis: 6379, mysqldb: 3306 }

const mesh: Record<string, Endpoint & { port: number }> = {
  'istio-ingressgateway': { name: 'istio-ingressgateway', namespace: 'istio-system', labels: { istio: 'ingressgateway' }, port: 8080 },
  istiod: { name: 'istiod', namespace: 'istio-system', labels: { app: 'istiod' }, port: 15012 },
  'kube-dns': { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, port: 53 },
  'bookinfo-gateway-istio': { name: 'bookinfo-gateway-istio', namespace: 'bookinfo', labels: { 'gateway.networking.k8s.io/gateway-name': 'bookinfo-gateway' }, port: 80 },
  waypoint: { name: 'waypoint', namespace: 'bookinfo', labels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' }, port: 15008 },
}
const internet: Endpoint = { name: 'internet', ip: '142.250.1.1' }

function workloads (manifests: Manifest[]): Array<Endpoint & { port?: number }> {
  return ofKind<IDeployment>(manifests, 'Deployment').map((deployment) => {
    const labels = deployment.spec?.template.metadata?.labels ?? {}
    const app = labels.app ?? ''
    return { name: deployment.metadata.name, namespace: deployment.metadata.namespace, labels, port: app === 'loadgen' ? undefined : SERVING_PORT[app] ?? 9080 }
  })
}

/** Every allowed "source -> destination:port" among the workloads, the mesh's pods and the internet, on serving ports. */
function allowedEdges (manifests: Manifest[]): string[] {
  const pods = [...workloads(manifests), ...Object.values(mesh)]
  const edges: string[] = []
  for (const source of pods) {
    for (const destination of pods) {
      if (source === destination || destination.port === undefined) continue
      if (connectionAllowed(manifests, source, destination, destination.port)) edges.push(`${source.name} -> ${destination.name}:${destination.port}`)
    }
    for (const port of [80, 443]) if (connectionAllowed(manifests, source, internet, port)) edges.push(`${source.name} -> internet:${port}`)
  }
  // Connections between two pods outside the namespace are not this component's business.
  const outside = new Set([...Object.values(mesh).filter((pod) => pod.namespace !== 'bookinfo').map((pod) => pod.name), internet.name])
  return edges.filter((edge) => {
    const [from = '', to = ''] = edge.split(' -> ')
    return !(outside.has(from) && outside.has(to.split(':')[0] ?? ''))
  }).sort()
}

describe('k8s/components/network-policies (kind, every optional workload)', () => {
  it('allows exactly the app\'s calls and the mesh plumbing between pods', () => {
    const manifests = renderOf(ALL)
    const bookinfoPods = workloads(manifests).map((pod) => pod.name)
    const plumbing = bookinfoPods.flatMap((name) => [`${name} -> istiod:15012`, `${name} -> kube-dns:53`, `${name} -> waypoint:15008`])
    expect(allowedEdges(manifests)).toEqual([
      ...plumbing,
      'bookinfo-gateway-istio -> idp:9090', 'bookinfo-gateway-istio -> istiod:15012', 'bookinfo-gateway-istio -> kube-dns:53',
      'bookinfo-gateway-istio -> productpage-v1:9080', 'bookinfo-gateway-istio -> waypoint:15008',
      'details-v2 -> internet:443', 'details-v2 -> internet:80',
      'istio-ingressgateway -> bookinfo-gateway-istio:80', 'istio-ingressgateway -> idp:9090', 'istio-ingressgateway -> productpage-v1:9080',
      'istiod -> bookinfo-gateway-istio:80', 'istiod -> idp:9090', 'kube-dns -> bookinfo-gateway-istio:80',
      'loadgen -> bookinfo-gateway-istio:80', 'loadgen -> istio-ingressgateway:8080',
      'productpage-v1 -> details-v1:9080', 'productpage-v1 -> details-v2:9080', 'productpage-v1 -> idp:9090', 'productpage-v1 -> redis:6379',
      'productpage-v1 -> reviews-v1:9080', 'productpage-v1 -> reviews-v2:9080', 'productpage-v1 -> reviews-v3:9080',
      'ratings-v1 -> mysqldb-v1:3306', 'ratings-v2-mysql -> mysqldb-v1:3306',
      'reviews-v1 -> ratings-v1:9080', 'reviews-v1 -> ratings-v2-mysql:9080', 'reviews-v2 -> ratings-v1:9080', 'reviews-v2 -> ratings-v2-mysql:9080',
      'reviews-v3 -> ratings-v1:9080', 'reviews-v3 -> ratings-v2-mysql:9080',
      'waypoint -> istiod:15012', 'waypoint -> kube-dns:53',
    ].sort())
  })

  it('allows no call to ratings from a source the README\'s matrix denies, and every call it allows', () => {
    const manifests = renderOf(ALL)
    const pods = workloads(manifests)
    const ratings = pods.find((pod) => pod.name === 'ratings-v1')
    for (const row of readmeMatrix().rows.filter((candidate) => candidate.service === 'ratings' && candidate.peer !== undefined)) {
      const granted = Object.values(row.expect).some((status) => status === 200)
      const callers = pods.filter((pod) => pod.labels?.app === row.peer?.replace('bookinfo-', ''))
      expect(callers.length, row.peer).toBeGreaterThan(0)
      for (const caller of callers) expect(connectionAllowed(manifests, caller, ratings ?? internet, 9080), `${caller.name} -> ratings`).toBe(granted)
    }
  })

  it('in ambient mode every pod reaches others only through the waypoint (HBONE 15008)', () => {
    const manifests = renderOf({ overlay: 'k8s/overlays/kind-ambient', add: ['../../components/network-policies'] })
    const pods = workloads(manifests).filter((pod) => pod.port !== undefined)
    for (const pod of pods) {
      expect(connectionAllowed(manifests, pod, mesh.waypoint ?? internet, 15008), `${pod.name} -> waypoint`).toBe(true)
      expect(connectionAllowed(manifests, mesh.waypoint ?? internet, pod, 15008), `waypoint -> ${pod.name}`).toBe(true)
    }
    const [first, second] = pods
    expect(connectionAllowed(manifests, second ?? internet, first ?? internet, 15008), 'pod to pod around the waypoint').toBe(false)
  })
})
