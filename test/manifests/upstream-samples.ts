import type { Manifest } from './documents.ts'

// Every file of upstream Bookinfo's samples/bookinfo/networking and samples/bookinfo/gateway-api, plus the
// per-version Services (platform/kube/bookinfo-versions.yaml): our counterpart, or why there is none.
// `facts` is what the istio.io tasks rely on, one line per resource (see `fingerprint`), taken from
// upstream's files; upstream-samples.test.ts checks that ours say the same.

export interface UpstreamSample {
  upstream: string
  ours?: string
  why?: string
  facts: string[]
  /** What ours adds to upstream's facts (text of our fingerprint that upstream's lacks), with the reason. */
  extra?: { text: string, why: string }
}

const DR_ALL = [
  'DestinationRule/productpage host=productpage subsets=v1',
  'DestinationRule/reviews host=reviews subsets=v1,v2,v3',
  'DestinationRule/ratings host=ratings subsets=v1,v2,v2-mysql,v2-mysql-vm',
  'DestinationRule/details host=details subsets=v1,v2',
]
const VS = (name: string, ...routes: string[]): string => `VirtualService/${name} hosts=${name} http=${routes.join(' | ')}`
const ROUTE = (name: string, ...backends: string[]): string =>
  `HTTPRoute/${name} parents=Service:${name}:9080 rules=[${backends.join(',')}]`
const VERSION_SERVICE = (app: string, version: string): string => `Service/${app}-${version} selector=app:${app},version:${version} ports=http:9080`
const CALLBACK_WHY = 'productpage\'s OIDC login returns to /callback through the ingress'

export const UPSTREAM_SAMPLES: readonly UpstreamSample[] = [
  {
    upstream: 'networking/bookinfo-gateway.yaml',
    ours: 'istio/networking/bookinfo-gateway.yaml',
    facts: [
      'Gateway/bookinfo-gateway selector=istio:ingressgateway servers=http:8080:HTTP:*',
      'VirtualService/bookinfo hosts=* gateways=bookinfo-gateway http=[exact:/productpage,prefix:/static,exact:/login,exact:/logout,prefix:/api/v1/products] -> productpage:9080',
    ],
    extra: { text: 'exact:/callback,', why: CALLBACK_WHY },
  },
  {
    upstream: 'networking/certmanager-gateway.yaml',
    ours: 'istio/networking/certmanager-gateway.yaml',
    facts: [
      'Gateway/cert-manager-gateway ns=istio-system selector=istio:ingressgateway servers=http:80:HTTP:*',
      'VirtualService/cert-manager ns=istio-system hosts=* gateways=cert-manager-gateway http=[prefix:/.well-known/acme-challenge/] -> cert-manager-resolver:8089',
    ],
  },
  {
    upstream: 'networking/destination-rule-all-mtls.yaml',
    ours: 'istio/networking/destination-rule-all-mtls.yaml',
    facts: DR_ALL.map((fact) => `${fact} tls=ISTIO_MUTUAL`),
  },
  { upstream: 'networking/destination-rule-all.yaml', ours: 'istio/networking/destination-rule-all.yaml', facts: DR_ALL },
  {
    upstream: 'networking/destination-rule-reviews.yaml',
    ours: 'istio/networking/destination-rule-reviews.yaml',
    facts: ['DestinationRule/reviews host=reviews subsets=v1,v2,v3 lb=RANDOM'],
  },
  {
    upstream: 'networking/egress-rule-google-apis.yaml',
    ours: 'istio/networking/egress-rule-google-apis.yaml',
    facts: [
      'ServiceEntry/googleapis hosts=www.googleapis.com ports=http:80:HTTP,https:443:HTTPS resolution=DNS',
      'VirtualService/rewrite-port-for-googleapis hosts=www.googleapis.com http=port:80 -> www.googleapis.com:443',
      'DestinationRule/originate-tls-for-googleapis host=www.googleapis.com lb=ROUND_ROBIN ports=443:SIMPLE',
    ],
  },
  {
    upstream: 'networking/fault-injection-details-v1.yaml',
    ours: 'istio/networking/fault-injection-details-v1.yaml',
    facts: [VS('details', 'abort:555@100 -> details/v1', '-> details/v1'), 'DestinationRule/details host=details subsets=v1'],
  },
  {
    upstream: 'networking/virtual-service-all-v1.yaml',
    ours: 'istio/networking/virtual-service-all-v1.yaml',
    facts: ['productpage', 'reviews', 'ratings', 'details'].map((name) => VS(name, `-> ${name}/v1`)),
  },
  { upstream: 'networking/virtual-service-details-v2.yaml', ours: 'istio/networking/virtual-service-details-v2.yaml', facts: [VS('details', '-> details/v2')] },
  {
    upstream: 'networking/virtual-service-ratings-db.yaml',
    ours: 'istio/networking/virtual-service-ratings-db.yaml',
    facts: [VS('reviews', '-> reviews/v3'), VS('ratings', '-> ratings/v2')],
  },
  {
    upstream: 'networking/virtual-service-ratings-mysql.yaml',
    ours: 'istio/networking/virtual-service-ratings-mysql.yaml',
    facts: [VS('reviews', '-> reviews/v3'), VS('ratings', '-> ratings/v2-mysql')],
  },
  {
    upstream: 'networking/virtual-service-ratings-mysql-vm.yaml',
    why: 'routes to ratings v2-mysql-vm, whose MySQL runs on a virtual machine joined to the mesh (istioctl VM onboarding); nothing of ours runs there, and a route to a subset with no endpoints only breaks the page',
    facts: [VS('reviews', '-> reviews/v3'), VS('ratings', '-> ratings/v2-mysql-vm')],
  },
  {
    upstream: 'networking/virtual-service-ratings-test-abort.yaml',
    ours: 'istio/networking/virtual-service-ratings-test-abort.yaml',
    facts: [VS('ratings', 'end-user=jason abort:500@100 -> ratings/v1', '-> ratings/v1')],
  },
  {
    upstream: 'networking/virtual-service-ratings-test-delay.yaml',
    ours: 'istio/networking/virtual-service-ratings-test-delay.yaml',
    facts: [VS('ratings', 'end-user=jason delay:7s@100 -> ratings/v1', '-> ratings/v1')],
  },
  { upstream: 'networking/virtual-service-reviews-50-v3.yaml', ours: 'istio/networking/virtual-service-reviews-50-v3.yaml', facts: [VS('reviews', '-> reviews/v1@50,reviews/v3@50')] },
  { upstream: 'networking/virtual-service-reviews-80-20.yaml', ours: 'istio/networking/virtual-service-reviews-80-20.yaml', facts: [VS('reviews', '-> reviews/v1@80,reviews/v2@20')] },
  { upstream: 'networking/virtual-service-reviews-90-10.yaml', ours: 'istio/networking/virtual-service-reviews-90-10.yaml', facts: [VS('reviews', '-> reviews/v1@90,reviews/v2@10')] },
  {
    upstream: 'networking/virtual-service-reviews-jason-v2-v3.yaml',
    ours: 'istio/networking/virtual-service-reviews-jason-v2-v3.yaml',
    facts: [VS('reviews', 'end-user=jason -> reviews/v2', '-> reviews/v3')],
  },
  {
    upstream: 'networking/virtual-service-reviews-test-v2.yaml',
    ours: 'istio/networking/virtual-service-reviews-test-v2.yaml',
    facts: [VS('reviews', 'end-user=jason -> reviews/v2', '-> reviews/v1')],
  },
  { upstream: 'networking/virtual-service-reviews-v2-v3.yaml', ours: 'istio/networking/virtual-service-reviews-v2-v3.yaml', facts: [VS('reviews', '-> reviews/v2@50,reviews/v3@50')] },
  { upstream: 'networking/virtual-service-reviews-v3.yaml', ours: 'istio/networking/virtual-service-reviews-v3.yaml', facts: [VS('reviews', '-> reviews/v3')] },
  {
    upstream: 'gateway-api/bookinfo-gateway.yaml',
    ours: 'istio/gateway-api/bookinfo-gateway.yaml',
    facts: [
      'Gateway/bookinfo-gateway class=istio listeners=http:80:HTTP:Same',
      'HTTPRoute/bookinfo parents=Gateway:bookinfo-gateway rules=[Exact:/productpage,PathPrefix:/static,Exact:/login,Exact:/logout,PathPrefix:/api/v1/products -> productpage:9080]',
    ],
    extra: { text: 'Exact:/callback,', why: CALLBACK_WHY },
  },
  {
    upstream: 'gateway-api/route-all-v1.yaml',
    ours: 'istio/gateway-api/route-all-v1.yaml',
    facts: ['reviews', 'productpage', 'ratings', 'details'].map((name) => ROUTE(name, `${name}-v1:9080`)),
  },
  { upstream: 'gateway-api/route-reviews-v1.yaml', ours: 'istio/gateway-api/route-reviews-v1.yaml', facts: [ROUTE('reviews', 'reviews-v1:9080')] },
  { upstream: 'gateway-api/route-reviews-v3.yaml', ours: 'istio/gateway-api/route-reviews-v3.yaml', facts: [ROUTE('reviews', 'reviews-v3:9080')] },
  { upstream: 'gateway-api/route-reviews-50-v3.yaml', ours: 'istio/gateway-api/route-reviews-50-v3.yaml', facts: [ROUTE('reviews', 'reviews-v1:9080@50', 'reviews-v3:9080@50')] },
  { upstream: 'gateway-api/route-reviews-90-10.yaml', ours: 'istio/gateway-api/route-reviews-90-10.yaml', facts: [ROUTE('reviews', 'reviews-v1:9080@90', 'reviews-v2:9080@10')] },
  {
    upstream: 'platform/kube/bookinfo-versions.yaml',
    ours: 'k8s/components/gateway-api/bookinfo-versions.yaml',
    facts: [
      VERSION_SERVICE('reviews', 'v1'), VERSION_SERVICE('reviews', 'v2'), VERSION_SERVICE('reviews', 'v3'),
      VERSION_SERVICE('productpage', 'v1'), VERSION_SERVICE('ratings', 'v1'), VERSION_SERVICE('details', 'v1'),
    ],
  },
]

type Obj = Record<string, any>

const list = (values: unknown[] | undefined): string => (values ?? []).map(String).join(',')
const ns = (manifest: Manifest): string => manifest.metadata.namespace === undefined ? '' : ` ns=${manifest.metadata.namespace}`

function destination (d: Obj): string {
  return `${String(d.host)}${d.port?.number === undefined ? '' : `:${String(d.port.number)}`}${d.subset === undefined ? '' : `/${String(d.subset)}`}`
}

function httpMatch (m: Obj): string {
  if (m.uri !== undefined) return Object.entries(m.uri as Obj).map(([kind, value]) => `${kind}:${String(value)}`).join('')
  if (m.headers !== undefined) return Object.entries(m.headers as Obj).map(([name, value]) => `${name}=${String((value as Obj).exact)}`).join('')
  if (m.port !== undefined) return `port:${String(m.port)}`
  return JSON.stringify(m)
}

function fault (f: Obj | undefined): string {
  if (f?.abort !== undefined) return `abort:${String(f.abort.httpStatus)}@${String(f.abort.percentage?.value)} `
  if (f?.delay !== undefined) return `delay:${String(f.delay.fixedDelay)}@${String(f.delay.percentage?.value)} `
  return ''
}

function virtualService (spec: Obj, all: boolean): string {
  const routes = (spec.http as Obj[]).map((route) => {
    const matches = (route.match as Obj[] | undefined)?.map(httpMatch) ?? []
    const weighted = (route.route as Obj[]).map((r) => `${destination(r.destination as Obj)}${r.weight === undefined ? '' : `@${String(r.weight)}`}`)
    const match = matches.length === 0 ? '' : all ? `[${matches.join(',')}] ` : `${matches.join(',')} `
    return `${match}${fault(route.fault as Obj | undefined)}-> ${weighted.join(',')}`
  })
  const gateways = spec.gateways === undefined ? '' : ` gateways=${list(spec.gateways as unknown[])}`
  return `hosts=${list(spec.hosts as unknown[])}${gateways} http=${routes.join(' | ')}`
}

/** One line per resource with the facts the istio.io tasks rely on (names, hosts, subsets, weights, matches, faults). */
export function fingerprint (manifest: Manifest): string {
  const spec = (manifest.spec ?? {}) as Obj
  const head = `${manifest.kind}/${manifest.metadata.name}${ns(manifest)}`
  if (manifest.kind === 'VirtualService') return `${head} ${virtualService(spec, spec.gateways !== undefined)}`
  if (manifest.kind === 'DestinationRule') {
    const subsets = spec.subsets === undefined ? '' : ` subsets=${(spec.subsets as Obj[]).map((s) => String(s.name)).join(',')}`
    const lb = spec.trafficPolicy?.loadBalancer?.simple === undefined ? '' : ` lb=${String(spec.trafficPolicy.loadBalancer.simple)}`
    const tls = spec.trafficPolicy?.tls?.mode === undefined ? '' : ` tls=${String(spec.trafficPolicy.tls.mode)}`
    const ports = spec.trafficPolicy?.portLevelSettings === undefined
      ? ''
      : ` ports=${(spec.trafficPolicy.portLevelSettings as Obj[]).map((p) => `${String(p.port.number)}:${String(p.tls?.mode)}`).join(',')}`
    return `${head} host=${String(spec.host)}${subsets}${lb}${ports}${tls}`
  }
  if (manifest.kind === 'Gateway' && manifest.apiVersion.startsWith('networking.istio.io')) {
    const servers = (spec.servers as Obj[]).map((s) => `${String(s.port.name)}:${String(s.port.number)}:${String(s.port.protocol)}:${list(s.hosts as unknown[])}`)
    return `${head} selector=${Object.entries(spec.selector as Obj).map(([k, v]) => `${k}:${String(v)}`).join(',')} servers=${servers.join(',')}`
  }
  if (manifest.kind === 'Gateway') {
    const listeners = (spec.listeners as Obj[]).map((l) => `${String(l.name)}:${String(l.port)}:${String(l.protocol)}:${String(l.allowedRoutes?.namespaces?.from)}`)
    return `${head} class=${String(spec.gatewayClassName)} listeners=${listeners.join(',')}`
  }
  if (manifest.kind === 'HTTPRoute') {
    const parents = (spec.parentRefs as Obj[]).map((p) => `${String(p.kind ?? 'Gateway')}:${String(p.name)}${p.port === undefined ? '' : `:${String(p.port)}`}`)
    const rules = (spec.rules as Obj[]).map((rule) => {
      const matches = (rule.matches as Obj[] | undefined)?.map((m) => `${String(m.path.type)}:${String(m.path.value)}`) ?? []
      const backends = (rule.backendRefs as Obj[]).map((b) => `${String(b.name)}:${String(b.port)}${b.weight === undefined ? '' : `@${String(b.weight)}`}`)
      return matches.length === 0 ? backends.join(',') : `${matches.join(',')} -> ${backends.join(',')}`
    })
    return `${head} parents=${parents.join(',')} rules=[${rules.join('; ')}]`
  }
  if (manifest.kind === 'ServiceEntry') {
    const ports = (spec.ports as Obj[]).map((p) => `${String(p.name)}:${String(p.number)}:${String(p.protocol)}`)
    return `${head} hosts=${list(spec.hosts as unknown[])} ports=${ports.join(',')} resolution=${String(spec.resolution)}`
  }
  if (manifest.kind === 'Service') {
    const selector = Object.entries(spec.selector as Obj).map(([k, v]) => `${k}:${String(v)}`).join(',')
    return `${head} selector=${selector} ports=${(spec.ports as Obj[]).map((p) => `${String(p.name)}:${String(p.port)}`).join(',')}`
  }
  return head
}
