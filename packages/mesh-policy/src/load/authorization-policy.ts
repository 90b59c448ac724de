import type { AuthorizationPolicy, PolicyAction, ResourceRef } from '../types.ts'
import { checkKeys, child, fail, readEach, type At, type Obj } from './read.ts'
import { readRule } from './rule.ts'
import { readScope, TARGET_FIELDS } from './scope.ts'

const ACTIONS: readonly PolicyAction[] = ['ALLOW', 'DENY', 'AUDIT']

const CUSTOM_REASON = 'CUSTOM delegates the decision to an external authorizer registered in the mesh config (extensionProviders)'

/** `istio.io/dry-run: "true"` on the resource (Istio's dry-run annotation). */
export function isDryRun (metadata: Obj): boolean {
  const annotations = metadata.annotations
  return typeof annotations === 'object' && annotations !== null && (annotations as Obj)['istio.io/dry-run'] === 'true'
}

function readAction (spec: Obj, at: At): PolicyAction {
  const action = spec.action ?? 'ALLOW'
  if (action === 'CUSTOM') fail(child(at, 'action'), `not supported outside a mesh: ${CUSTOM_REASON}`)
  if (!ACTIONS.includes(action as PolicyAction)) fail(child(at, 'action'), `unknown action ${JSON.stringify(action)}`)
  if (spec.provider !== undefined) fail(child(at, 'provider'), `only valid with action CUSTOM (Istio refuses it too); ${CUSTOM_REASON}`)
  return action as PolicyAction
}

export function readAuthorizationPolicy (spec: Obj, at: At, ref: ResourceRef, metadata: Obj): AuthorizationPolicy {
  checkKeys(spec, at, ['selector', 'action', 'rules', 'provider', ...TARGET_FIELDS])
  const action = readAction(spec, at)
  const rules = readEach(spec.rules, child(at, 'rules'), readRule) ?? []
  // Istio's validation: a DENY policy without rules would never trigger (`rules: [{}]` denies everything).
  if (action === 'DENY' && rules.length === 0) fail(at, 'DENY without rules is meaningless; add `rules: [{}]` to deny every request')
  return { ...readScope(spec, at, ref), action, rules, dryRun: isDryRun(metadata) }
}
