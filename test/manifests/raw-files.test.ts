import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parse } from 'yaml'
import { REPO_ROOT, readManifests, yamlFilesUnder } from './documents.ts'
import { allKustomizationDirs, kustomizationFiles, renderOverlay } from './kustomize.ts'
import { modelFor, schemaProblem } from './schemas.ts'
import { strictFieldProblems } from './strict-fields.ts'
import { allProblems } from './cross-checks.ts'

// Every YAML file under istio/ and k8s/ on its own, including the ones no overlay deploys (istio/samples are
// applied by hand in the istio.io tasks). Files are discovered at run time: a new file is checked without
// touching this test.

// Files of istio/networking and istio/security that no overlay deploys, and why.
const NOT_DEPLOYED: Readonly<Record<string, string>> = {
  'istio/security/databases-policy.yaml': 'guards the MongoDB/MySQL of upstream ratings v2, which we do not ship',
}

const files = [...yamlFilesUnder('istio'), ...yamlFilesUnder('k8s')]
const kustomizations = files.filter((file) => basename(file) === 'kustomization.yaml')
const deployed = allKustomizationDirs().map((dir) => kustomizationFiles(dir))
const patches = new Set(deployed.flatMap((walk) => walk.patches))
const manifestFiles = files.filter((file) => !kustomizations.includes(file) && !patches.has(file))

it('finds networking, security and sample files under istio/', () => {
  for (const folder of ['istio/networking', 'istio/security', 'istio/samples']) {
    expect(yamlFilesUnder(folder).length, folder).toBeGreaterThan(0)
  }
})

describe.each(kustomizations)('%s', (file) => {
  it('is a Kustomization or a Component', () => {
    const { kind } = parse(readFileSync(join(REPO_ROOT, file), 'utf8')) as { kind?: string }
    expect(['Kustomization', 'Component']).toContain(kind)
  })
})

describe.each([...patches])('%s (a patch)', (file) => {
  it('patches a known kind (the merged result is validated by overlays.test.ts)', () => {
    for (const { manifest } of readManifests(file)) expect(modelFor(manifest), manifest.kind).toBeDefined()
  })
})

describe.each(manifestFiles)('%s', (file) => {
  it('parses, and every document validates against its model schema', () => {
    const documents = readManifests(file)
    expect(documents.length).toBeGreaterThan(0)
    expect(documents.map(({ manifest }) => schemaProblem(manifest)).filter((problem) => problem !== undefined)).toEqual([])
  })
})

it('no document under istio/ or k8s/ has a field its API does not define', () => {
  expect(strictFieldProblems(manifestFiles.flatMap(readManifests))).toEqual([])
})

it('every istio/networking and istio/security file is deployed by an overlay, or listed as not deployed', () => {
  const used = new Set(deployed.flatMap((walk) => walk.resources))
  const missing = [...yamlFilesUnder('istio/networking'), ...yamlFilesUnder('istio/security')]
    .filter((file) => !used.has(file) && NOT_DEPLOYED[file] === undefined)
  expect(missing).toEqual([])
  for (const file of Object.keys(NOT_DEPLOYED)) expect(used.has(file), `${file} is deployed after all`).toBe(false)
})

it('every Istio resource, samples included, refers to what the kind overlay deploys', () => {
  // The workloads, Services and accounts of a full install, plus every Istio document as written (no overlay
  // patches): subsets, selectors, principals and routes must all resolve against them.
  const cluster = renderOverlay('k8s/overlays/kind').map(({ manifest }) => manifest)
    .filter((manifest) => !manifest.apiVersion.includes('istio.io'))
  const istio = yamlFilesUnder('istio').flatMap(readManifests).map(({ manifest }) => manifest)
  expect(allProblems({ manifests: [...cluster, ...istio], defaultNamespace: 'bookinfo' })).toEqual([])
})
