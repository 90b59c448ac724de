import type { IncomingHttpHeaders } from 'node:http'

/**
 * Headers copied from an incoming request onto every outbound call (contract §1.1, current upstream list,
 * plus the B3 parent/flags and single `b3` header that upstream productpage dropped: a superset).
 * Tracing needs the trace headers; routing needs `end-user` and `user-agent`; the mesh needs `authorization`.
 */
export const PROPAGATED_HEADERS = [
  'x-request-id',
  'x-ot-span-context',
  'x-datadog-trace-id',
  'x-datadog-parent-id',
  'x-datadog-sampling-priority',
  'traceparent',
  'tracestate',
  'x-cloud-trace-context',
  'grpc-trace-bin',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'b3',
  'sw8',
  'end-user',
  'user-agent',
  'cookie',
  'authorization',
  'jwt',
] as const

export type PropagatedHeader = typeof PROPAGATED_HEADERS[number]

/**
 * The propagated subset of `incoming`, names lower-cased, values verbatim.
 * `omit` drops headers a caller replaces with its own value (productpage sets `end-user` from its session).
 */
export function propagateHeaders (incoming: IncomingHttpHeaders, omit: readonly PropagatedHeader[] = []): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of PROPAGATED_HEADERS) {
    if (omit.includes(name)) continue
    const value = incoming[name]
    if (typeof value === 'string') out[name] = value
    else if (Array.isArray(value)) out[name] = value.join(name === 'cookie' ? '; ' : ', ')
  }
  return out
}
