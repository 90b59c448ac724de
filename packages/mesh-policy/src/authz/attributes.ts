/** What a rule can look at: Istio's request attributes, as far as they exist outside a mesh. */
export interface RequestAttributes {
  method: string
  /** The normalised path, without the query string. */
  path: string
  /** `:authority` as sent (the Host header, port included). */
  host: string | undefined
  /** A request header by lower-case name, repeated headers joined with `,` (as Envoy does). */
  header: (name: string) => string | undefined
  /** The peer's socket address (`source.ip`, `ipBlocks`). */
  sourceIp: string | undefined
  /** The client address after the X-Forwarded-For rule (`remote.ip`, `remoteIpBlocks`). */
  remoteIp: string | undefined
  destinationIp: string | undefined
  destinationPort: number | undefined
  /** `<trust domain>/ns/<namespace>/sa/<service account>`; see README "Source principals". */
  sourcePrincipal: string | undefined
  /** The validated JWT payload with space-delimited claims split into lists (Envoy's payload metadata). */
  claims: Record<string, unknown> | undefined
}
