import type { ResourceRef, Scoped } from '../types.ts'
import { checkKeys, child, fail, readEach, readObj, type At, type Obj } from './read.ts'

export const TARGET_FIELDS = ['targetRef', 'targetRefs'] as const

function readTargetRef (value: unknown, at: At): true {
  const ref = readObj(value, at)
  checkKeys(ref, at, ['group', 'kind', 'name', 'namespace'])
  if (typeof ref.kind !== 'string' || typeof ref.name !== 'string') fail(at, 'needs kind and name')
  return true
}

function readMatchLabels (value: unknown, at: At): Record<string, string> {
  const selector = readObj(value, at)
  checkKeys(selector, at, ['matchLabels'])
  const lat = child(at, 'matchLabels')
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(readObj(selector.matchLabels, lat))) {
    if (typeof v !== 'string') fail(child(lat, k), 'must be a string')
    out[k] = v
  }
  return out
}

/**
 * `selector.matchLabels` (no selector: every workload of the namespace) or `targetRef(s)`, which attach
 * the resource to a Gateway, GatewayClass, Service (waypoint) or ServiceEntry: never to a sidecar
 * workload, so outside a mesh such a resource selects nothing. Istio allows only one of the two.
 */
export function readScope (spec: Obj, at: At, ref: ResourceRef): Scoped {
  const single = spec.targetRef === undefined || spec.targetRef === null ? [] : [readTargetRef(spec.targetRef, child(at, 'targetRef'))]
  const targets = [...single, ...(readEach(spec.targetRefs, child(at, 'targetRefs'), readTargetRef) ?? [])]
  const hasSelector = spec.selector !== undefined && spec.selector !== null
  if (hasSelector && targets.length > 0) fail(at, 'only one of targetRefs or selector can be set')
  return {
    ref,
    matchLabels: hasSelector ? readMatchLabels(spec.selector, child(at, 'selector')) : undefined,
    attachedByTargetRef: targets.length > 0,
  }
}
