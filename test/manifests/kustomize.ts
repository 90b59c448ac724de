import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { parse } from 'yaml'
import { REPO_ROOT, parseManifests, yamlFilesUnder } from './documents.ts'
import type { SourcedManifest } from './documents.ts'

/** The kubectl binary to use: $KUBECTL, else `kubectl` from PATH. */
const KUBECTL = process.env.KUBECTL ?? 'kubectl'

/**
 * Returns `kubectl version --client`; throws a loud, actionable error when kubectl cannot be run or its built-in
 * kustomize is older than v5 (components, replacements and local-config generators need v5).
 */
export function requireKubectl (binary: string = KUBECTL): string {
  let version: string
  try {
    version = execFileSync(binary, ['version', '--client'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    throw new Error(
      `kubectl is needed to render the kustomize overlays (tried "${binary}": ${(error as Error).message}). ` +
      'Install kubectl 1.27 or newer (built-in kustomize v5; Debian\'s kubernetes-client package is too old) ' +
      'or point $KUBECTL at one. This check never skips: without kubectl the k8s/ overlays are not validated.'
    )
  }
  const kustomize = /Kustomize Version: v(\d+)/.exec(version)
  if (kustomize === null || Number(kustomize[1]) < 5) {
    throw new Error(`kubectl at "${binary}" has no kustomize v5 or newer (needed by k8s/): ${version.trim()}`)
  }
  return version
}

/** `kubectl kustomize <dir>`, exactly as a user runs it: no flag. Throws with kustomize's own message. */
export function kustomize (dir: string): string {
  requireKubectl()
  try {
    return execFileSync(KUBECTL, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 1024 * 1024 })
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr
    throw new Error(`kubectl kustomize ${dir} failed: ${stderr ?? (error as Error).message}`)
  }
}

/** A documented composition: an overlay with extra components, and components swapped for others. */
export interface Composition {
  overlay: string
  add?: readonly string[]
  replace?: Readonly<Record<string, string>>
}

// Components whose patches must see everything else: a user inserts new lines before them (k8s/README.md).
const KEEP_LAST = ['../../components/ambient', '../../components/kind']

/**
 * Renders an overlay (repo-relative dir, optionally with a composition) on a throw-away copy of k8s/ and
 * istio/, in which the auth0 overlay's git-ignored auth0.env is its committed template (so the render is
 * deterministic and never reads a developer's real credentials). Cached per composition.
 */
export function renderOverlay (dir: string, composition: Omit<Composition, 'overlay'> = {}): SourcedManifest[] {
  const key = JSON.stringify([dir, composition])
  const cached = renders.get(key)
  if (cached !== undefined) return cached
  const copy = mkdtempSync(join(tmpdir(), 'bookinfo-kustomize-'))
  try {
    for (const top of ['k8s', 'istio']) cpSync(join(REPO_ROOT, top), join(copy, top), { recursive: true })
    useExampleEnvFiles(join(copy, 'k8s'))
    if (composition.add !== undefined || composition.replace !== undefined) compose(join(copy, dir, 'kustomization.yaml'), composition)
    const rendered = parseManifests(kustomize(join(copy, dir)), `kubectl kustomize ${compositionLabel(dir, composition)}`).map(joinWrappedBase64)
    renders.set(key, rendered)
    return rendered
  } finally {
    rmSync(copy, { recursive: true, force: true })
  }
}

const renders = new Map<string, SourcedManifest[]>()

export function compositionLabel (dir: string, composition: Omit<Composition, 'overlay'> = {}): string {
  const parts = [dir, ...(composition.add ?? []).map((c) => `+${c.split('/').pop() ?? c}`),
    ...Object.entries(composition.replace ?? {}).map(([from, to]) => `${from.split('/').slice(-2).join('/')}→${to.split('/').slice(-2).join('/')}`)]
  return parts.join(' ')
}

/** Edits a kustomization's components list as the README tells users to: swap lines, add before the KEEP_LAST ones. */
function compose (file: string, { add = [], replace = {} }: Omit<Composition, 'overlay'>): void {
  const spec = parse(readFileSync(file, 'utf8')) as { components?: string[] }
  let components = (spec.components ?? []).map((entry) => replace[entry] ?? entry)
  for (const [from] of Object.entries(replace)) {
    if (!(spec.components ?? []).includes(from)) throw new Error(`${file}: no component ${from} to replace`)
  }
  const last = components.filter((entry) => KEEP_LAST.includes(entry))
  components = [...components.filter((entry) => !KEEP_LAST.includes(entry)), ...add, ...last]
  writeFileSync(file, JSON.stringify({ ...spec, components }))
}

// kustomize folds long base64 Secret values over several lines; the API server's base64 decoder skips line
// breaks, the schema's `byte` format does not. Join them so the schema judges the value itself.
function joinWrappedBase64 (document: SourcedManifest): SourcedManifest {
  const data = document.manifest.data
  if (document.manifest.kind !== 'Secret' || typeof data !== 'object' || data === null) return document
  const joined = Object.fromEntries(Object.entries(data).map(([key, value]) => [key, String(value).replace(/\s+/g, '')]))
  return { ...document, manifest: { ...document.manifest, data: joined } }
}

function useExampleEnvFiles (dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.env')) rmSync(join(entry.parentPath, entry.name))
  }
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.env.example')) {
      const path = join(entry.parentPath, entry.name)
      writeFileSync(path.slice(0, -'.example'.length), readFileSync(path))
    }
  }
}

export interface KustomizationFiles {
  /** kustomization.yaml files reached (repo-relative). */
  kustomizations: string[]
  /** Plain manifest files listed as resources (repo-relative). */
  resources: string[]
  /** Files used as patches: partial objects, only valid once merged. */
  patches: string[]
  /** Files read by generators (env files, SQL). */
  generatorInputs: string[]
}

/** Walks a kustomization and everything it includes (resources, components, patches, generator files), without kubectl. */
export function kustomizationFiles (dir: string, seen: KustomizationFiles = { kustomizations: [], resources: [], patches: [], generatorInputs: [] }): KustomizationFiles {
  const file = join(dir, 'kustomization.yaml')
  if (seen.kustomizations.includes(file)) return seen
  seen.kustomizations.push(file)
  const spec = parse(readFileSync(join(REPO_ROOT, file), 'utf8')) as {
    resources?: string[]
    components?: string[]
    patches?: Array<{ path?: string }>
    secretGenerator?: Array<{ envs?: string[], files?: string[] }>
    configMapGenerator?: Array<{ envs?: string[], files?: string[] }>
  }
  const local = (path: string): string => relative(REPO_ROOT, resolve(REPO_ROOT, dir, path))
  for (const entry of [...(spec.resources ?? []), ...(spec.components ?? [])]) {
    const path = local(entry)
    if (/\.ya?ml$/.test(path)) seen.resources.push(path)
    else kustomizationFiles(path, seen)
  }
  for (const patch of spec.patches ?? []) {
    if (patch.path !== undefined) seen.patches.push(local(patch.path))
  }
  for (const generator of [...(spec.secretGenerator ?? []), ...(spec.configMapGenerator ?? [])]) {
    for (const input of [...(generator.envs ?? []), ...(generator.files ?? [])]) seen.generatorInputs.push(local(input))
  }
  return seen
}

/** Every folder under k8s/ and istio/ that holds a kustomization.yaml (kustomizations and components). */
export function allKustomizationDirs (): string[] {
  return [...yamlFilesUnder('k8s'), ...yamlFilesUnder('istio')].filter((path) => path.endsWith('/kustomization.yaml')).map(dirname)
}

/** What `kubectl apply -k` can be pointed at: k8s/base and every k8s/overlays/<name>. */
export function renderableDirs (): string[] {
  return allKustomizationDirs().filter((dir) => dir === 'k8s/base' || dir.startsWith('k8s/overlays/'))
}

export const repoPathExists = (path: string): boolean => existsSync(join(REPO_ROOT, path))
