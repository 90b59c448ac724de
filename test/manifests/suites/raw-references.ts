import { expect, it } from 'vitest'
import { readManifests, yamlFilesUnder } from '../documents.ts'
import { allProblems } from '../cross-checks.ts'
import { KIND_GATEWAY_API } from '../compositions.ts'
import { renderOf } from '../helpers.ts'

it('every Istio and Gateway API file, samples included, refers to what a full install deploys', () => {
  // Workloads, Services and accounts of kind with every optional workload and the per-version Services,
  // plus every istio/ document as written (no overlay patches): subsets, selectors, principals, routes,
  // parents and backends must all resolve against them.
  const cluster = renderOf({ ...KIND_GATEWAY_API, add: ['../../components/details-v2', '../../components/ratings-v2-mysql', '../../components/redis-sessions'] })
    .filter((manifest) => !manifest.apiVersion.includes('istio.io') && !manifest.apiVersion.startsWith('gateway.networking.k8s.io'))
  const istio = yamlFilesUnder('istio').filter((file) => !file.endsWith('kustomization.yaml')).flatMap(readManifests).map(({ manifest }) => manifest)
  expect(allProblems({ manifests: [...cluster, ...istio], defaultNamespace: 'bookinfo' })).toEqual([])
})
