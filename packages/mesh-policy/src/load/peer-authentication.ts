import type { MtlsMode, PeerAuthentication, ResourceRef } from '../types.ts'
import { checkKeys, child, fail, readObj, type At, type Obj } from './read.ts'
import { readScope, TARGET_FIELDS } from './scope.ts'

const MTLS_MODES: readonly MtlsMode[] = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT']

function readMtls (value: unknown, at: At): MtlsMode {
  const mtls = readObj(value, at)
  checkKeys(mtls, at, ['mode'])
  const mode = mtls.mode ?? 'UNSET'
  if (!MTLS_MODES.includes(mode as MtlsMode)) fail(child(at, 'mode'), `unknown mode ${JSON.stringify(mode)}`)
  return mode as MtlsMode
}

/** Parsed and validated as Istio does; never enforced here (there is no TLS between the services). */
export function readPeerAuthentication (spec: Obj, at: At, ref: ResourceRef): PeerAuthentication {
  checkKeys(spec, at, ['selector', 'mtls', 'portLevelMtls', ...TARGET_FIELDS])
  const scope = readScope(spec, at, ref)
  const pat = child(at, 'portLevelMtls')
  const portLevelMtls: Record<string, MtlsMode> = {}
  for (const [port, mtls] of Object.entries(readObj(spec.portLevelMtls, pat))) {
    if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) fail(child(pat, port), 'port must be in range 1..65535')
    portLevelMtls[port] = readMtls(mtls, child(pat, port))
  }
  // Istio's validation: port-level settings need a workload selector.
  if (Object.keys(portLevelMtls).length > 0 && !scope.matchLabels) fail(pat, 'needs a workload selector (mesh/namespace policies cannot have port-level mTLS)')
  return { ...scope, mode: readMtls(spec.mtls, child(at, 'mtls')), portLevelMtls }
}
