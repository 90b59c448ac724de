// The security.istio.io documents of the cases, written as the Istio sources write them.

export interface ResourceOptions {
  namespace?: string
  annotations?: Record<string, string>
  /** `spec.selector.matchLabels` */
  selector?: Record<string, string>
}

/** The workload of most groups (Istio's tests select the target with `app: <service>`). */
export const ECHO = { app: 'echo' }

type Kind = 'AuthorizationPolicy' | 'RequestAuthentication' | 'PeerAuthentication'

const indentMap = (map: Record<string, string>, spaces: number): string =>
  Object.entries(map).map(([k, v]) => `${' '.repeat(spaces)}${k}: ${JSON.stringify(v)}\n`).join('')

/** One YAML document (starting with `---`); `spec` is the indented body below `spec:`. */
export function resource (kind: Kind, name: string, spec: string, opts: ResourceOptions = {}): string {
  return [
    '---\napiVersion: security.istio.io/v1\n',
    `kind: ${kind}\nmetadata:\n  name: ${name}\n`,
    opts.namespace ? `  namespace: ${opts.namespace}\n` : '',
    opts.annotations ? `  annotations:\n${indentMap(opts.annotations, 4)}` : '',
    'spec:\n',
    opts.selector ? `  selector:\n    matchLabels:\n${indentMap(opts.selector, 6)}` : '',
    spec,
  ].join('')
}

export const authorizationPolicy = (name: string, spec: string, opts?: ResourceOptions): string => resource('AuthorizationPolicy', name, spec, opts)
export const requestAuthentication = (name: string, spec: string, opts?: ResourceOptions): string => resource('RequestAuthentication', name, spec, opts)

/** A jwtRule list entry for an issuer whose keys are at `jwksUri`, with extra indented lines. */
export const jwtRule = (issuer: string, jwksUri: string, extra = ''): string => `  - issuer: "${issuer}"\n    jwksUri: "${jwksUri}"\n${extra}`

/** `rules:`, one rule per operation (given as the YAML lines below `operation:`). */
export const rulesTo = (...operations: string[]): string => `  rules:\n${operations.map((op) => `  - to:\n    - operation:\n${op}`).join('')}`

/** An ALLOW policy on the echo workload: GET from one request principal (Istio's authn-authz tests). */
export const allowGetFrom = (requestPrincipal: string): string => authorizationPolicy('echo', `  rules:
  - to:
    - operation:
        methods: ["GET"]
    from:
    - source:
        requestPrincipals: ["${requestPrincipal}"]
`, { selector: ECHO })
