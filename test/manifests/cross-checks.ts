import type { IDeployment } from 'kubernetes-models/apps/v1'
import type { IService, ISecret } from 'kubernetes-models/v1'
import type { IDestinationRule, IVirtualService } from '@kubernetes-models/istio/networking.istio.io/v1'
import type { IAuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1'
import type { Manifest } from './documents.ts'
import { checkHttpRoutes, checkTargetRefs } from './gateway-checks.ts'
import { BOOKINFO_PORT, NOT_SHIPPED, OPTIONAL_SUBSETS, findService, label, matches, namespaceOf, ofKind, podLabelsIn, portOf, serviceEntryHosts, type World } from './world.ts'

export function checkDestinationRuleSubsets (world: World): string[] {
  const problems: string[] = []
  for (const rule of ofKind<IDestinationRule>(world, 'DestinationRule')) {
    const namespace = namespaceOf(world, rule)
    const host = rule.spec?.host ?? ''
    const service = findService(world, host, namespace)
    if (service === undefined) {
      if (!serviceEntryHosts(world).has(host)) problems.push(`${label(rule)}: host ${host} is not a Service or ServiceEntry host`)
      continue
    }
    for (const subset of rule.spec?.subsets ?? []) {
      const selector = { ...service.spec?.selector, ...subset.labels }
      if (podLabelsIn(world, namespace).some((labels) => matches(selector, labels))) continue
      const allowed = [...NOT_SHIPPED.subsets, ...OPTIONAL_SUBSETS].some((entry) => entry.host === service.metadata.name && entry.version === subset.labels?.version)
      if (!allowed) problems.push(`${label(rule)}: subset ${subset.name} (${JSON.stringify(selector)}) selects no Deployment`)
    }
  }
  return problems
}

/** Every AuthorizationPolicy, RequestAuthentication and PeerAuthentication selector matches a workload. */
export function checkPolicySelectors (world: World): string[] {
  const problems: string[] = []
  for (const policy of world.manifests) {
    if (!['AuthorizationPolicy', 'RequestAuthentication', 'PeerAuthentication'].includes(policy.kind)) continue
    const selector = (policy.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels
    if (selector === undefined) continue // namespace-wide
    if (podLabelsIn(world, namespaceOf(world, policy)).some((labels) => matches(selector, labels))) continue
    if (NOT_SHIPPED.workloads.some((entry) => selector.app === entry.app)) continue
    problems.push(`${label(policy)}: selector ${JSON.stringify(selector)} matches no Deployment`)
  }
  return problems
}

/** Every principal cluster.local/ns/<ns>/sa/<sa> names a ServiceAccount that exists in <ns>. */
export function checkPrincipals (world: World): string[] {
  const problems: string[] = []
  const accounts = new Set([
    ...world.manifests.filter((manifest) => manifest.kind === 'ServiceAccount').map((account) => `${namespaceOf(world, account)}/${account.metadata.name}`),
    ...gatewayAccounts(world),
  ])
  for (const policy of ofKind<IAuthorizationPolicy>(world, 'AuthorizationPolicy')) {
    for (const rule of policy.spec?.rules ?? []) {
      for (const { source } of rule.from ?? []) {
        for (const principal of [...(source?.principals ?? []), ...(source?.notPrincipals ?? [])]) {
          if (principal === '*') continue
          const parsed = /^cluster\.local\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal)
          if (parsed === null) {
            problems.push(`${label(policy)}: principal ${principal} is not cluster.local/ns/<ns>/sa/<sa>`)
          } else if (!accounts.has(`${parsed[1]}/${parsed[2]}`) && !NOT_SHIPPED.serviceAccounts.some((entry) => entry.name === parsed[2])) {
            problems.push(`${label(policy)}: principal ${principal} names no ServiceAccount ${parsed[2]} in namespace ${parsed[1]}`)
          }
        }
      }
    }
  }
  return problems
}

/** Istio deploys each Gateway API Gateway with a service account: `<name>` for a waypoint, `<name>-istio` for an ingress. */
function gatewayAccounts (world: World): string[] {
  return world.manifests
    .filter((manifest) => manifest.apiVersion.startsWith('gateway.networking.k8s.io/') && manifest.kind === 'Gateway')
    .map((gateway) => {
      const waypoint = (gateway.spec as { gatewayClassName?: string } | undefined)?.gatewayClassName === 'istio-waypoint'
      return `${namespaceOf(world, gateway)}/${gateway.metadata.name}${waypoint ? '' : '-istio'}`
    })
}

/** Services: one port, named http, 9080 (IdP 9090), whose selector and targetPort reach a Deployment's container. */
export function checkServices (world: World): string[] {
  const problems: string[] = []
  for (const service of ofKind<IService>(world, 'Service')) {
    const selector = service.spec?.selector ?? {}
    const expected = portOf(selector.app ?? service.metadata.name) ?? BOOKINFO_PORT
    const ports = service.spec?.ports ?? []
    if (ports.length !== 1 || ports[0]?.port !== expected.port || ports[0].name !== expected.name) {
      problems.push(`${label(service)}: expected exactly one port ${expected.port} named ${expected.name}, got ${JSON.stringify(ports)}`)
    }
    const selected = ofKind<IDeployment>(world, 'Deployment').filter((deployment) =>
      namespaceOf(world, deployment) === namespaceOf(world, service) && Object.keys(selector).length > 0 &&
      matches(selector, deployment.spec?.template.metadata?.labels))
    if (selected.length === 0) {
      problems.push(`${label(service)}: selector ${JSON.stringify(selector)} matches no Deployment`)
      continue
    }
    const target = ports[0]?.targetPort ?? ports[0]?.port
    for (const deployment of selected) {
      const containerPorts = deployment.spec?.template.spec?.containers.flatMap((container) => container.ports ?? []) ?? []
      if (!containerPorts.some((port) => port.name === target || port.containerPort === target)) {
        problems.push(`${label(service)}: targetPort ${String(target)} is not a container port of Deployment ${deployment.metadata.name}`)
      }
    }
  }
  return problems
}

/** Deployments: existing ServiceAccount, selector within the pod labels, container port 9080 (IdP 9090) named http, secrets that exist. */
export function checkDeployments (world: World): string[] {
  const problems: string[] = []
  const names = (kind: string, namespace: string): Manifest[] =>
    world.manifests.filter((manifest) => manifest.kind === kind && namespaceOf(world, manifest) === namespace)
  for (const deployment of ofKind<IDeployment>(world, 'Deployment')) {
    const namespace = namespaceOf(world, deployment)
    const pod = deployment.spec?.template
    const account = pod?.spec?.serviceAccountName
    if (account === undefined || !names('ServiceAccount', namespace).some((sa) => sa.metadata.name === account)) {
      problems.push(`${label(deployment)}: serviceAccountName ${String(account)} does not exist in ${namespace}`)
    }
    if (!matches(deployment.spec?.selector.matchLabels ?? {}, pod?.metadata?.labels)) {
      problems.push(`${label(deployment)}: selector does not match the pod template labels`)
    }
    const expected = portOf(pod?.metadata?.labels?.app ?? '')
    const secrets = names('Secret', namespace) as Array<ISecret & Manifest>
    for (const container of pod?.spec?.containers ?? []) {
      const ports = container.ports ?? []
      if (expected === null ? ports.length > 0 : (ports.length !== 1 || ports[0]?.containerPort !== expected.port || ports[0].name !== expected.name)) {
        const want = expected === null ? 'no port' : `exactly port ${expected.port} named ${expected.name}`
        problems.push(`${label(deployment)}: container ${container.name} must expose ${want}`)
      }
      for (const source of container.envFrom ?? []) {
        const secret = source.secretRef?.name
        if (secret !== undefined && !secrets.some((candidate) => candidate.metadata.name === secret)) {
          problems.push(`${label(deployment)}: envFrom Secret ${secret} does not exist`)
        }
      }
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef
        if (ref === undefined) continue
        const secret = secrets.find((candidate) => candidate.metadata.name === ref.name)
        if (secret === undefined || !(ref.key in { ...secret.data, ...secret.stringData })) {
          problems.push(`${label(deployment)}: env ${variable.name} refers to missing Secret key ${String(ref.name)}/${ref.key}`)
        }
      }
    }
  }
  return problems
}

/** VirtualServices: gateways exist, every destination is a Service (or ServiceEntry host), with a real port and subset. */
export function checkVirtualServices (world: World): string[] {
  const problems: string[] = []
  const gateways = new Set(world.manifests.filter((manifest) => manifest.kind === 'Gateway').map((gateway) => gateway.metadata.name))
  const externalHosts = serviceEntryHosts(world)
  for (const service of ofKind<IVirtualService>(world, 'VirtualService')) {
    const namespace = namespaceOf(world, service)
    const spec = service.spec ?? {}
    const gatewayNames = [...(spec.gateways ?? []), ...(spec.http ?? []).flatMap((route) => (route.match ?? []).flatMap((match) => match.gateways ?? []))]
    for (const gateway of gatewayNames) {
      if (gateway !== 'mesh' && !gateways.has(gateway.split('/').pop() ?? '')) problems.push(`${label(service)}: gateway ${gateway} does not exist`)
    }
    const destinations = [
      ...(spec.http ?? []).flatMap((route) => [...(route.route ?? []).map((weighted) => weighted.destination), ...(route.mirror === undefined ? [] : [route.mirror])]),
      ...(spec.tcp ?? []).flatMap((route) => (route.route ?? []).map((weighted) => weighted.destination)),
      ...(spec.tls ?? []).flatMap((route) => (route.route ?? []).map((weighted) => weighted.destination)),
    ]
    for (const destination of destinations) {
      const target = findService(world, destination.host, namespace)
      if (target === undefined) {
        const known = externalHosts.has(destination.host) || NOT_SHIPPED.hosts.some((entry) => entry.host === destination.host)
        if (!known) problems.push(`${label(service)}: destination ${destination.host} is not a Service or ServiceEntry host`)
        continue
      }
      const port = destination.port?.number
      if (port !== undefined && !(target.spec?.ports ?? []).some((candidate) => candidate.port === port)) {
        problems.push(`${label(service)}: ${destination.host} has no port ${port}`)
      }
      const subset = destination.subset
      if (subset !== undefined) {
        const declared = ofKind<IDestinationRule>(world, 'DestinationRule').some((rule) =>
          findService(world, rule.spec?.host ?? '', namespaceOf(world, rule)) === target &&
          (rule.spec?.subsets ?? []).some((candidate) => candidate.name === subset))
        if (!declared) problems.push(`${label(service)}: ${destination.host} subset ${subset} is declared by no DestinationRule`)
      }
    }
  }
  return problems
}

export const ALL_CHECKS = {
  checkDestinationRuleSubsets,
  checkPolicySelectors,
  checkPrincipals,
  checkServices,
  checkDeployments,
  checkVirtualServices,
  checkTargetRefs,
  checkHttpRoutes,
}

export function allProblems (world: World): string[] {
  return Object.values(ALL_CHECKS).flatMap((check) => check(world))
}
