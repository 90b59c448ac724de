// Policies refused at start-up, with the reason: what only a mesh can evaluate, and what Istio's own
// validation (pkg/config/validation, the CRD schemas) refuses.
import { authorizationPolicy, requestAuthentication, resource } from '../yaml.ts'

const AP_REF = 'https://istio.io/latest/docs/reference/config/security/authorization-policy/'
const RA_REF = 'https://istio.io/latest/docs/reference/config/security/request_authentication/'
const COND_REF = 'https://istio.io/latest/docs/reference/config/security/conditions/'
const VALIDATION = 'istio/istio pkg/config/validation/validation.go ValidateAuthorizationPolicy'

export interface Refusal {
  name: string
  source: string
  yaml: string
  /** A part of the start-up error. */
  message: string
}

const ap = (spec: string): string => authorizationPolicy('p', spec)
const ra = (rule: string): string => requestAuthentication('ra', `  jwtRules:\n  - ${rule}`)
const when = (key: string, values = '["x"]'): string => ap(`  rules:\n  - when:\n    - key: ${key}\n      values: ${values}\n`)

export const REFUSALS: Refusal[] = [
  { name: 'connection.sni needs the mTLS handshake', source: COND_REF, yaml: when('connection.sni'), message: 'spec.rules[0].when[0].key: "connection.sni": not supported outside a mesh: the server name comes from the mTLS handshake' },
  { name: 'CUSTOM needs an external authorizer from the mesh config', source: `${AP_REF} (CUSTOM, provider)`, yaml: ap('  action: CUSTOM\n  provider:\n    name: ext-authz\n  rules: [{}]\n'), message: 'spec.action: not supported outside a mesh: CUSTOM delegates the decision to an external authorizer' },
  { name: 'experimental.envoy.filters.* reads Envoy network filter metadata', source: COND_REF, yaml: when('experimental.envoy.filters.network.mysql_proxy[db.table]', '["[update]"]'), message: 'not supported outside a mesh: it reads metadata of Envoy network filters' },
  { name: 'provider without CUSTOM', source: VALIDATION, yaml: ap('  provider:\n    name: ext-authz\n  rules: [{}]\n'), message: 'spec.provider: only valid with action CUSTOM' },
  { name: 'DENY without rules', source: VALIDATION, yaml: ap('  action: DENY\n'), message: 'DENY without rules is meaningless' },
  { name: 'an empty from list', source: VALIDATION, yaml: ap('  rules:\n  - from: []\n'), message: 'spec.rules[0].from: must not be empty' },
  { name: 'an empty source', source: VALIDATION, yaml: ap('  rules:\n  - from:\n    - source: {}\n'), message: 'spec.rules[0].from[0].source: must not be empty' },
  { name: 'an empty operation', source: VALIDATION, yaml: ap('  rules:\n  - to:\n    - operation: {}\n'), message: 'spec.rules[0].to[0].operation: must not be empty' },
  { name: 'serviceAccounts with principals', source: `${AP_REF} (serviceAccounts: "Cannot be set with principals or namespaces")`, yaml: ap('  rules:\n  - from:\n    - source:\n        principals: ["a"]\n        serviceAccounts: ["ns/sa"]\n'), message: 'cannot set serviceAccounts with namespaces or principals' },
  { name: 'a wildcard in serviceAccounts', source: `${AP_REF} (serviceAccounts: "No form of wildcard (*) is allowed")`, yaml: ap('  rules:\n  - from:\n    - source:\n        serviceAccounts: ["ns/*"]\n'), message: 'wildcards are not allowed in service accounts' },
  { name: 'a bad CIDR in ipBlocks', source: VALIDATION, yaml: ap('  rules:\n  - from:\n    - source:\n        ipBlocks: ["10.0.0.0/33"]\n'), message: '"10.0.0.0/33" is not an IP address or CIDR block' },
  { name: 'a bad port', source: VALIDATION, yaml: ap('  rules:\n  - to:\n    - operation:\n        ports: ["http"]\n'), message: '"http" is not a port' },
  { name: '{**} before another operator', source: `${AP_REF} ("/{**}/foo/{*} is not a valid path template")`, yaml: ap('  rules:\n  - to:\n    - operation:\n        paths: ["/{**}/foo/{*}"]\n'), message: '{**} must be the last operator' },
  { name: 'text beside {*} in a segment', source: `${AP_REF} ("/foo/{*}.txt is invalid")`, yaml: ap('  rules:\n  - to:\n    - operation:\n        paths: ["/foo/{*}.txt"]\n'), message: "'{' or '}' outside {*} or {**}" },
  { name: 'a bare * in a path template', source: `${AP_REF} ("/*/baz/{*} is not a valid path template")`, yaml: ap('  rules:\n  - to:\n    - operation:\n        paths: ["/*/baz/{*}"]\n'), message: 'invalid literal "*" in a path template' },
  { name: 'a condition without values', source: VALIDATION, yaml: ap('  rules:\n  - when:\n    - key: request.auth.principal\n'), message: 'needs values or notValues' },
  { name: 'an unknown attribute', source: COND_REF, yaml: when('source.user'), message: '"source.user": unknown attribute' },
  { name: 'destination.labels is replaced by the selector', source: 'istio/istio pkg/config/security/security.go ValidateAttribute', yaml: when('destination.labels[app]'), message: 'replaced by the workload selector' },
  { name: 'a jwtRule with neither issuer nor jwksUri', source: `${RA_REF}; istio/istio pkg/config/validation/validation.go validateJwtRule`, yaml: ra('audiences: ["a"]\n'), message: 'issuer or jwksUri must be set' },
  { name: 'a jwtRule with both jwks and jwksUri', source: `${RA_REF} ("Only one of jwksUri and jwks should be used")`, yaml: ra('issuer: i\n    jwksUri: https://example.com/jwks\n    jwks: \'{"keys":[]}\'\n'), message: 'only one of jwks or jwksUri can be set' },
  { name: 'a jwksUri that is not http(s)', source: `${RA_REF} (jwksUri "url must have scheme http:// or https://")`, yaml: ra('issuer: i\n    jwksUri: file:///etc/jwks\n'), message: 'must be an http(s) URL' },
  { name: 'an outputClaimToHeaders header that is not a header name', source: `${RA_REF} (ClaimToHeader.header pattern ^[-_A-Za-z0-9]+$)`, yaml: ra('issuer: i\n    jwksUri: https://example.com/jwks\n    outputClaimToHeaders:\n    - header: "x jwt"\n      claim: sub\n'), message: 'is not a valid header name' },
  { name: 'selector and targetRefs together', source: `${AP_REF} ("At most one of selector or targetRefs can be set")`, yaml: ap('  selector:\n    matchLabels:\n      app: a\n  targetRefs:\n  - kind: Gateway\n    name: g\n  rules: [{}]\n'), message: 'only one of targetRefs or selector can be set' },
  { name: 'port-level mTLS without a selector', source: 'https://istio.io/latest/docs/reference/config/security/peer_authentication/; istio/istio pkg/config/validation/validation.go ValidatePeerAuthentication', yaml: resource('PeerAuthentication', 'pa', '  portLevelMtls:\n    "8080":\n      mode: DISABLE\n'), message: 'needs a workload selector' },
]
