import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT, readManifests } from './documents.ts'
import { fingerprint, UPSTREAM_SAMPLES } from './upstream-samples.ts'

// Each upstream networking / gateway-api sample has a counterpart of ours that says the same (names, hosts,
// subsets, weights, matches, fault values), or a reason in istio/README.md why it cannot apply. That ours
// resolve against our Deployments is raw-files.test.ts's last test.

const istioReadme = readFileSync(join(REPO_ROOT, 'istio', 'README.md'), 'utf8')

it('lists every upstream file once: 21 networking, 6 gateway-api, the per-version Services', () => {
  const names = UPSTREAM_SAMPLES.map((sample) => sample.upstream)
  expect(new Set(names).size).toBe(names.length)
  expect(names.filter((name) => name.startsWith('networking/'))).toHaveLength(21)
  expect(names.filter((name) => name.startsWith('gateway-api/'))).toHaveLength(6)
  expect(names).toContain('platform/kube/bookinfo-versions.yaml')
})

describe.each(UPSTREAM_SAMPLES.map((sample) => [sample.upstream, sample] as const))('upstream %s', (upstream, sample) => {
  it(sample.ours === undefined ? 'has no counterpart, and istio/README.md says why' : `is ${sample.ours ?? ''}, with the same facts`, () => {
    const fileName = upstream.split('/').pop() ?? upstream
    expect(istioReadme).toContain(fileName)
    if (sample.ours === undefined) {
      expect(sample.why).toMatch(/.{40,}/)
      return
    }
    expect(sample.ours.split('/').pop()).toBe(fileName)
    const ours = readManifests(sample.ours).map(({ manifest }) => fingerprint(manifest))
    const without = sample.extra === undefined ? ours : ours.map((fact) => fact.replace(sample.extra?.text ?? '', ''))
    if (sample.extra !== undefined) expect(ours.some((fact) => fact.includes(sample.extra?.text ?? '')), 'the extra is there').toBe(true)
    expect(without).toEqual(sample.facts)
  })
})
