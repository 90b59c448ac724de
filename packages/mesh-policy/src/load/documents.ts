import { parseAllDocuments } from 'yaml'
import type { PolicySet, ResourceRef } from '../types.ts'
import { readAuthorizationPolicy } from './authorization-policy.ts'
import { readPeerAuthentication } from './peer-authentication.ts'
import { fail, isObj, PolicyLoadError, readObj, type At, type Obj } from './read.ts'
import { readRequestAuthentication } from './request-authentication.ts'

const GROUP = 'security.istio.io'
const API_VERSIONS = new Set([`${GROUP}/v1`, `${GROUP}/v1beta1`])

export function emptyPolicySet (): PolicySet {
  return { requestAuthentications: [], authorizationPolicies: [], peerAuthentications: [] }
}

function resourceRef (value: Obj, file: string, index: number): ResourceRef {
  const metadata = isObj(value.metadata) ? value.metadata : {}
  return {
    file,
    kind: typeof value.kind === 'string' ? value.kind : '?',
    name: typeof metadata.name === 'string' ? metadata.name : `(document ${index + 1})`,
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
  }
}

/** Adds one security.istio.io resource to the set, validated as Istio's admission webhook would. */
function addResource (value: Obj, ref: ResourceRef, into: PolicySet): void {
  const apiVersion = String(value.apiVersion)
  if (!API_VERSIONS.has(apiVersion)) fail({ ref, path: 'apiVersion' }, `${apiVersion} is not supported`)
  const at: At = { ref, path: 'spec' }
  const spec = readObj(value.spec, at)
  const metadata = isObj(value.metadata) ? value.metadata : {}
  switch (ref.kind) {
    case 'AuthorizationPolicy': into.authorizationPolicies.push(readAuthorizationPolicy(spec, at, ref, metadata)); break
    case 'RequestAuthentication': into.requestAuthentications.push(readRequestAuthentication(spec, at, ref)); break
    case 'PeerAuthentication': into.peerAuthentications.push(readPeerAuthentication(spec, at, ref)); break
    default: fail({ ref, path: 'kind' }, 'unknown kind')
  }
}

/**
 * Parses one YAML text. Documents outside security.istio.io (networking, Kubernetes, a kustomization)
 * are skipped, so a directory may hold them side by side.
 */
export function parsePolicies (text: string, file: string, into: PolicySet = emptyPolicySet()): PolicySet {
  parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length > 0) throw new PolicyLoadError(`${file}: document ${index + 1}: ${doc.errors[0]?.message ?? 'invalid YAML'}`)
    const value: unknown = doc.toJS()
    if (value === null || value === undefined) return
    if (!isObj(value)) throw new PolicyLoadError(`${file}: document ${index + 1}: not a Kubernetes resource`)
    if (typeof value.apiVersion !== 'string' || !value.apiVersion.startsWith(`${GROUP}/`)) return
    addResource(value, resourceRef(value, file, index), into)
  })
  return into
}
