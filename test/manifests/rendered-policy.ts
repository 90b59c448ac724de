import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import type { Manifest } from './documents.ts'

// The security.istio.io documents of a render, as the files @bookinfo/mesh-policy loads, seen from one
// enforcement point:
// - sidecar: every document as rendered (each sidecar enforces its selector-bound and namespace-wide ones);
// - waypoint (ambient): only what is bound to the waypoint with targetRefs, rebound as the waypoint applies it:
//   a Service target becomes a selector on that Service's pod labels, the waypoint itself namespace-wide;
// - ztunnel (ambient): only what has no targetRefs (selector-bound and namespace-wide L4 policies).

type TargetRef = { kind: string, group?: string, name: string }
type Spec = { selector?: unknown, targetRefs?: TargetRef[] }
export type View = 'sidecar' | 'waypoint' | 'ztunnel'

export function policyDocuments (manifests: readonly Manifest[], view: View): Manifest[] {
  const security = manifests.filter((manifest) => manifest.apiVersion.startsWith('security.istio.io/'))
  if (view === 'sidecar') return security
  const spec = (manifest: Manifest): Spec => (manifest.spec ?? {}) as Spec
  if (view === 'ztunnel') return security.filter((manifest) => spec(manifest).targetRefs === undefined)
  return security.filter((manifest) => spec(manifest).targetRefs !== undefined).map((manifest) => {
    const { targetRefs = [], ...rest } = spec(manifest)
    const selectors = targetRefs.map((ref) => selectorOf(manifests, ref))
    if (selectors.length !== 1) throw new Error(`${manifest.metadata.name}: expected one targetRef, got ${selectors.length}`)
    const [selector] = selectors
    return { ...manifest, spec: { ...rest, ...(selector === undefined ? {} : { selector: { matchLabels: selector } }) } }
  })
}

function selectorOf (manifests: readonly Manifest[], ref: TargetRef): Record<string, string> | undefined {
  if (ref.kind === 'Gateway') return undefined // the waypoint: everything that passes through it
  const service = manifests.find((manifest) => manifest.kind === 'Service' && manifest.metadata.name === ref.name)
  const selector = (service?.spec as { selector?: Record<string, string> } | undefined)?.selector
  if (selector === undefined) throw new Error(`targetRef ${ref.kind} ${ref.name} is no Service with a selector in the render`)
  return selector
}

/** Writes documents to a temporary directory for mesh-policy's loader; returns it and a cleanup. */
export function writePolicyDir (documents: readonly Manifest[]): { dir: string, remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bookinfo-rendered-policy-'))
  writeFileSync(join(dir, 'policies.yaml'), documents.map((document) => stringify(document)).join('---\n'))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
