import type { World } from './world.ts'
import { NOT_SHIPPED, findService, label, namespaceOf } from './world.ts'

interface TargetRef { group?: string, kind: string, name: string }

/** AuthorizationPolicy / RequestAuthentication / PeerAuthentication targetRefs name an existing Service or Gateway API Gateway. */
export function checkTargetRefs (world: World): string[] {
  const problems: string[] = []
  for (const policy of world.manifests) {
    if (!['AuthorizationPolicy', 'RequestAuthentication', 'PeerAuthentication'].includes(policy.kind)) continue
    const spec = policy.spec as { targetRef?: TargetRef, targetRefs?: TargetRef[], selector?: unknown } | undefined
    const refs = [...(spec?.targetRefs ?? []), ...(spec?.targetRef === undefined ? [] : [spec.targetRef])]
    if (refs.length > 0 && spec?.selector !== undefined) problems.push(`${label(policy)}: has both selector and targetRefs`)
    for (const ref of refs) {
      if (!resolvesTarget(world, ref, namespaceOf(world, policy)) && !NOT_SHIPPED.workloads.some((entry) => entry.app === ref.name)) {
        problems.push(`${label(policy)}: targetRef ${ref.kind} ${ref.name} does not exist`)
      }
    }
  }
  return problems
}

function resolvesTarget (world: World, ref: TargetRef, namespace: string): boolean {
  if (ref.kind === 'Service' && (ref.group ?? '') === '') return findService(world, ref.name, namespace) !== undefined
  if (ref.kind === 'Gateway' && ref.group === 'gateway.networking.k8s.io') {
    return world.manifests.some((manifest) => manifest.apiVersion.startsWith('gateway.networking.k8s.io/') &&
      manifest.kind === 'Gateway' && manifest.metadata.name === ref.name && namespaceOf(world, manifest) === namespace)
  }
  return false
}

interface RouteRef { group?: string, kind?: string, name: string, port?: number }

/** HTTPRoutes: parents are a Gateway API Gateway or a Service port (GAMMA); backends are Service ports. */
export function checkHttpRoutes (world: World): string[] {
  const problems: string[] = []
  for (const route of world.manifests.filter((manifest) => manifest.kind === 'HTTPRoute')) {
    const namespace = namespaceOf(world, route)
    const spec = route.spec as { parentRefs?: RouteRef[], rules?: Array<{ backendRefs?: RouteRef[] }> } | undefined
    for (const parent of spec?.parentRefs ?? []) {
      const ok = parent.kind === 'Service'
        ? servicePortExists(world, parent.name, namespace, parent.port)
        : resolvesTarget(world, { group: parent.group ?? 'gateway.networking.k8s.io', kind: parent.kind ?? 'Gateway', name: parent.name }, namespace)
      if (!ok) problems.push(`${label(route)}: parent ${parent.kind ?? 'Gateway'} ${parent.name}${parent.port === undefined ? '' : `:${parent.port}`} does not exist`)
    }
    for (const backend of (spec?.rules ?? []).flatMap((rule) => rule.backendRefs ?? [])) {
      if (!servicePortExists(world, backend.name, namespace, backend.port)) problems.push(`${label(route)}: backend ${backend.name}:${String(backend.port)} is not a Service port`)
    }
  }
  return problems
}

function servicePortExists (world: World, name: string, namespace: string, port: number | undefined): boolean {
  const service = findService(world, name, namespace)
  return service !== undefined && (port === undefined || (service.spec?.ports ?? []).some((candidate) => candidate.port === port))
}
