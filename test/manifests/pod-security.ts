import type { IPodSpec, IContainer, ISecurityContext, IPodSecurityContext } from 'kubernetes-models/v1'

// The Pod Security Standards "restricted" profile (Kubernetes 1.32, kubernetes.io/docs/concepts/security/
// pod-security-standards), checked on a pod spec as the admission controller would with
// `pod-security.kubernetes.io/enforce: restricted`. Returns one message per violation.

const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
])
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']

export function restrictedProblems (pod: IPodSpec | undefined): string[] {
  if (pod === undefined) return ['no pod spec']
  const problems: string[] = []
  const podContext: IPodSecurityContext = pod.securityContext ?? {}
  if (pod.hostNetwork === true || pod.hostPID === true || pod.hostIPC === true) problems.push('host namespaces')
  for (const volume of pod.volumes ?? []) {
    const types = Object.keys(volume).filter((key) => key !== 'name')
    if (!types.every((type) => ALLOWED_VOLUMES.includes(type))) problems.push(`volume ${volume.name}: type ${types.join(',')} not allowed`)
  }
  for (const sysctl of podContext.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(sysctl.name)) problems.push(`sysctl ${sysctl.name} is not safe`)
  }
  if (podContext.runAsUser === 0) problems.push('pod runAsUser 0')
  if (!SELINUX_TYPES.includes(podContext.seLinuxOptions?.type ?? '') || podContext.seLinuxOptions?.user !== undefined || podContext.seLinuxOptions?.role !== undefined) {
    problems.push('pod seLinuxOptions')
  }
  if (podContext.appArmorProfile?.type === 'Unconfined') problems.push('pod AppArmor Unconfined')
  const containers: IContainer[] = [...(pod.initContainers ?? []), ...pod.containers, ...(pod.ephemeralContainers ?? []) as IContainer[]]
  for (const container of containers) problems.push(...containerProblems(container, podContext))
  return problems
}

function containerProblems (container: IContainer, pod: IPodSecurityContext): string[] {
  const problems: string[] = []
  const at = (message: string): void => { problems.push(`container ${container.name}: ${message}`) }
  const context: ISecurityContext = container.securityContext ?? {}
  if (context.privileged === true) at('privileged')
  if ((container.ports ?? []).some((port) => port.hostPort !== undefined && port.hostPort !== 0)) at('hostPort')
  if (context.allowPrivilegeEscalation !== false) at('allowPrivilegeEscalation must be false')
  if ((context.runAsNonRoot ?? pod.runAsNonRoot) !== true) at('runAsNonRoot must be true')
  if (context.runAsUser === 0) at('runAsUser 0')
  const seccomp = context.seccompProfile?.type ?? pod.seccompProfile?.type
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') at(`seccompProfile ${String(seccomp)} (RuntimeDefault or Localhost required)`)
  if (!(context.capabilities?.drop ?? []).includes('ALL')) at('capabilities must drop ALL')
  const added = (context.capabilities?.add ?? []).filter((capability) => capability !== 'NET_BIND_SERVICE')
  if (added.length > 0) at(`capabilities added: ${added.join(',')}`)
  if (context.procMount !== undefined && context.procMount !== 'Default') at('procMount')
  if (context.appArmorProfile?.type === 'Unconfined') at('AppArmor Unconfined')
  if (!SELINUX_TYPES.includes(context.seLinuxOptions?.type ?? '')) at('seLinuxOptions type')
  return problems
}
