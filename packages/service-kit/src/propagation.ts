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

// What an HTTP/1.1 field value may hold (undici's own check): a value with CR, LF, NUL, another control or a
// character past Latin-1 would make undici refuse the whole outbound call, so such a header is dropped instead.
// Node's parser never lets one in; an in-process caller (app.inject, a proxy plugin) could.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/**
 * The propagated subset of `incoming`, names lower-cased, values verbatim; a value HTTP cannot carry is left out.
 * `omit` drops headers a caller replaces with its own value (productpage sets `end-user` from its session).
 */
export function propagateHeaders (incoming: IncomingHttpHeaders, omit: readonly PropagatedHeader[] = []): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of PROPAGATED_HEADERS) {
    if (omit.includes(name)) continue
    const value = incoming[name]
    const joined = Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value
    if (typeof joined === 'string' && FIELD_VALUE.test(joined)) out[name] = joined
  }
  return out
}
