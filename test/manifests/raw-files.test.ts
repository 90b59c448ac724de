import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parse } from 'yaml'
import { REPO_ROOT, readManifests, yamlFilesUnder } from './documents.ts'
import { allKustomizationDirs, kustomizationFiles } from './kustomize.ts'
import { modelFor, schemaProblem } from './schemas.ts'
import { strictFieldProblems } from './strict-fields.ts'
import { UPSTREAM_SAMPLES } from './upstream-samples.ts'

// Every YAML file under istio/ and k8s/ on its own, including the routing samples that no kustomization
// deploys (istio.io tasks apply them by hand). Files are discovered at run time: a new file is checked
// without touching this test.

const files = [...yamlFilesUnder('istio'), ...yamlFilesUnder('k8s')]
const kustomizations = files.filter((file) => basename(file) === 'kustomization.yaml')
const walks = allKustomizationDirs().map((dir) => kustomizationFiles(dir))
const patches = new Set(walks.flatMap((walk) => walk.patches))
const manifestFiles = files.filter((file) => !kustomizations.includes(file) && !patches.has(file))

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

it('every YAML file is deployed by a kustomization, or is an upstream sample applied by hand', () => {
  const used = new Set(walks.flatMap((walk) => walk.resources))
  const samples = new Set(UPSTREAM_SAMPLES.flatMap((sample) => sample.ours === undefined ? [] : [sample.ours]))
  expect(manifestFiles.filter((file) => !used.has(file) && !samples.has(file))).toEqual([])
})
