import type { IDeployment } from 'kubernetes-models/apps/v1'
import type { IService } from 'kubernetes-models/v1'
import type { IServiceEntry } from '@kubernetes-models/istio/networking.istio.io/v1'
import type { Manifest } from './documents.ts'

// Names that the upstream samples mention but this repository does not deploy. Each is allowed to point at
// nothing; everything else must resolve. Keep the reasons: they are the documentation.
export const NOT_SHIPPED = {
  subsets: [
    { host: 'ratings', version: 'v2', why: 'ratings v2 with MongoDB (upstream bookinfo-ratings-v2.yaml + bookinfo-db.yaml): no MongoDB is shipped; ratings v2-mysql (k8s/components/ratings-v2-mysql) is' },
    { host: 'ratings', version: 'v2-mysql-vm', why: 'ratings v2-mysql-vm reads a MySQL on a virtual machine registered in the mesh; upstream\'s VM-only sample' },
  ],
  workloads: [
    { app: 'mongodb', why: 'database of upstream ratings v2 (bookinfo-db.yaml); istio/security/databases guards it' },
  ],
  serviceAccounts: [
    { name: 'bookinfo-ratings-v2', why: 'service account of upstream bookinfo-ratings-v2.yaml (the MongoDB variant); not shipped' },
  ],
  hosts: [
    { host: 'cert-manager-resolver', why: 'created by cert-manager in istio-system for its HTTP-01 challenge (istio/networking/certmanager-gateway.yaml)' },
  ],
} as const

/** Subsets whose Deployment comes with an optional component: a render without the component has none. */
export const OPTIONAL_SUBSETS = [
  { host: 'details', version: 'v2', component: 'k8s/components/details-v2' },
  { host: 'ratings', version: 'v2-mysql', component: 'k8s/components/ratings-v2-mysql' },
] as const

/** Each app's one Service port (name and number); null: no Service, no container port (the load generator). */
export const APP_PORTS: Readonly<Record<string, { port: number, name: string } | null>> = {
  idp: { port: 9090, name: 'http' },
  redis: { port: 6379, name: 'tcp' },
  mysqldb: { port: 3306, name: 'tcp' },
  loadgen: null,
}
export const BOOKINFO_PORT = { port: 9080, name: 'http' }
export const portOf = (app: string): { port: number, name: string } | null => APP_PORTS[app] === undefined ? BOOKINFO_PORT : APP_PORTS[app]

export interface World {
  manifests: readonly Manifest[]
  /** Namespace assumed for documents that carry none (raw istio/ files, before kustomize sets it). */
  defaultNamespace: string
}

export const namespaceOf = (world: World, manifest: Manifest): string => manifest.metadata.namespace ?? world.defaultNamespace
export const ofKind = <T>(world: World, kind: string): Array<T & Manifest> =>
  world.manifests.filter((manifest) => manifest.kind === kind) as Array<T & Manifest>
export const label = (manifest: Manifest): string => `${manifest.kind} ${manifest.metadata.name}`

export const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined): boolean =>
  Object.entries(selector).every(([key, value]) => labels?.[key] === value)

export function podLabelsIn (world: World, namespace: string): Array<Record<string, string>> {
  return ofKind<IDeployment>(world, 'Deployment')
    .filter((deployment) => namespaceOf(world, deployment) === namespace)
    .map((deployment) => deployment.spec?.template.metadata?.labels ?? {})
}

export function findService (world: World, host: string, namespace: string): (IService & Manifest) | undefined {
  // Short name, <name>.<ns>, or the FQDN <name>.<ns>.svc.cluster.local.
  const [name, hostNamespace = namespace, ...rest] = host.split('.')
  if (rest.length > 0 && rest.join('.') !== 'svc.cluster.local') return undefined
  return ofKind<IService>(world, 'Service')
    .find((service) => service.metadata.name === name && namespaceOf(world, service) === hostNamespace)
}

export function serviceEntryHosts (world: World): Set<string> {
  return new Set(ofKind<IServiceEntry>(world, 'ServiceEntry').flatMap((entry) => entry.spec?.hosts ?? []))
}

/** Every DestinationRule subset selects at least one Deployment of the host's Service. */
