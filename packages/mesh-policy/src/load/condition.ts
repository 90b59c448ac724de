import type { Condition, ConditionAttribute } from '../types.ts'
import { checkKeys, child, fail, readObj, readString, readStrings, type At } from './read.ts'
import { checkIpBlocks, checkPorts, checkServiceAccounts, checkTrustDomains } from './values.ts'

const SIMPLE_KEYS: Readonly<Record<string, ConditionAttribute>> = {
  'request.auth.principal': { kind: 'requestPrincipal' },
  'request.auth.audiences': { kind: 'audiences' },
  'request.auth.presenter': { kind: 'presenter' },
  'source.principal': { kind: 'sourcePrincipal' },
  'source.namespace': { kind: 'sourceNamespace' },
  'source.serviceAccount': { kind: 'sourceServiceAccount' },
  'source.trustDomain': { kind: 'sourceTrustDomain' },
  'source.ip': { kind: 'sourceIp' },
  'remote.ip': { kind: 'remoteIp' },
  'destination.ip': { kind: 'destinationIp' },
  'destination.port': { kind: 'destinationPort' },
}

/** Keys Istio knows that only a mesh can evaluate, with the reason; and keys Istio itself refuses. */
const MESH_ONLY_KEYS: Readonly<Record<string, string>> = {
  'connection.sni': 'the server name comes from the mTLS handshake between sidecars',
}
const ISTIO_REFUSES: Readonly<Record<string, string>> = {
  'destination.namespace': 'replaced by metadata.namespace (Istio refuses it too)',
  'destination.name': 'only supported in v1alpha1 (Istio refuses it too)',
  'destination.user': 'only supported in v1alpha1 (Istio refuses it too)',
}

/** `[a]` or `[a][b]…` (Istio's nested-claim syntax); undefined when the brackets are malformed. */
function bracketNames (rest: string): string[] | undefined {
  if (!/^(?:\[[^\][]+\])+$/.test(rest)) return undefined
  return [...rest.matchAll(/\[([^\][]+)\]/g)].map((m) => m[1] ?? '')
}

/** The attribute a condition key names; fails with the reason for keys this enforcer cannot evaluate. */
export function parseConditionKey (key: string, at: At): ConditionAttribute {
  const simple = SIMPLE_KEYS[key]
  if (simple) return simple
  if (key.startsWith('request.headers[')) {
    const names = bracketNames(key.slice('request.headers'.length))
    if (names?.length === 1 && names[0]) return { kind: 'header', name: names[0].toLowerCase() }
    fail(at, `"${key}": should have the form request.headers[<name>]`)
  }
  if (key.startsWith('request.auth.claims[')) {
    const names = bracketNames(key.slice('request.auth.claims'.length))
    if (names) return { kind: 'claim', path: names }
    fail(at, `"${key}": should have the form request.auth.claims[<name>] or [<a>][<b>]`)
  }
  const meshOnly = MESH_ONLY_KEYS[key]
  if (meshOnly) fail(at, `"${key}": not supported outside a mesh: ${meshOnly}`)
  if (key.startsWith('experimental.envoy.filters.')) fail(at, `"${key}": not supported outside a mesh: it reads metadata of Envoy network filters`)
  const refused = ISTIO_REFUSES[key] ?? (key.startsWith('destination.labels[') ? 'replaced by the workload selector (Istio refuses it too)' : undefined)
  if (refused) fail(at, `"${key}": ${refused}`)
  fail(at, `"${key}": unknown attribute`)
}

function checkValues (attribute: ConditionAttribute, values: string[] | undefined, at: At): void {
  switch (attribute.kind) {
    case 'sourceIp': case 'remoteIp': case 'destinationIp': return checkIpBlocks(values, at)
    case 'destinationPort': return checkPorts(values, at)
    case 'sourceServiceAccount': return checkServiceAccounts(values, at)
    case 'sourceTrustDomain': return checkTrustDomains(values, at)
    default:
  }
}

export function readCondition (value: unknown, at: At): Condition {
  const cond = readObj(value, at)
  checkKeys(cond, at, ['key', 'values', 'notValues'])
  const key = readString(cond.key, child(at, 'key'), 'set (the attribute name)')
  const attribute = parseConditionKey(key, child(at, 'key'))
  const values = readStrings(cond.values, child(at, 'values'))
  const notValues = readStrings(cond.notValues, child(at, 'notValues'))
  if (!values && !notValues) fail(at, 'needs values or notValues')
  checkValues(attribute, values, child(at, 'values'))
  checkValues(attribute, notValues, child(at, 'notValues'))
  return { key, attribute, values, notValues }
}
