// `remote.ip`: the client address Envoy trusts. A sidecar (Istio's inbound listener: use_remote_address
// off, no trusted hops) takes the last X-Forwarded-For address when there is one, else the peer. A
// gateway configured with `numTrustedProxies: N` (use_remote_address on, N trusted hops) takes the Nth
// address from the right, and the peer when N is 0 or the header has fewer addresses.
import { isIP } from 'node:net'
import { canonicalIp } from '../authz/ip.ts'

export function remoteIp (peer: string | undefined, xff: string | undefined, numTrustedProxies: number | undefined): string | undefined {
  if (xff === undefined || numTrustedProxies === 0) return peer
  const hops = xff.split(',').map((s) => s.trim())
  const index = hops.length - (numTrustedProxies ?? 1)
  const picked = index >= 0 ? hops[index] : undefined
  return picked !== undefined && isIP(picked) !== 0 ? canonicalIp(picked) : peer
}
