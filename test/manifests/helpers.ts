import type { IDeployment } from 'kubernetes-models/apps/v1'
import type { IContainer, ISecret } from 'kubernetes-models/v1'
import type { Manifest } from './documents.ts'
import { renderOverlay } from './kustomize.ts'
import type { Composition } from './kustomize.ts'

export const ofKind = <T>(manifests: readonly Manifest[], kind: string): Array<T & Manifest> =>
  manifests.filter((manifest) => manifest.kind === kind) as Array<T & Manifest>

export const named = <T>(manifests: readonly Manifest[], kind: string, name: string): T & Manifest => {
  const found = ofKind<T>(manifests, kind).find((manifest) => manifest.metadata.name === name)
  if (found === undefined) throw new Error(`no ${kind} ${name} in the render`)
  return found
}

export const container = (deployment: IDeployment): IContainer => {
  const first = deployment.spec?.template.spec?.containers[0]
  if (first === undefined) throw new Error('Deployment without containers')
  return first
}

export const envValue = (deployment: IDeployment, name: string): string | undefined =>
  container(deployment).env?.find((variable) => variable.name === name)?.value

export const secretKeys = (secret: ISecret | undefined): string[] => Object.keys(secret?.data ?? {}).sort()

/** Objects a kustomize generator made: `<prefix>-<hash>`. */
export const generated = (manifests: readonly Manifest[], kind: string, prefix: string): Manifest[] =>
  manifests.filter((manifest) => manifest.kind === kind && manifest.metadata.name.startsWith(`${prefix}-`))

/** Renders (cached) inside a test: without kubectl every test fails with the reason, none is skipped. */
export const renderOf = (composition: Composition): Manifest[] =>
  renderOverlay(composition.overlay, composition).map(({ manifest }) => manifest)

/** Our own images: built by scripts/build-images.sh and loaded with `kind load`. */
export const isOwnImage = (image: string | undefined): boolean => image?.startsWith('bookinfo-ts/') === true
