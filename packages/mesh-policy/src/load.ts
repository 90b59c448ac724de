import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import type { JSONWebKeySet } from 'jose'
import type {
  AuthorizationPolicy, Condition, ConditionAttribute, JwtRule, MatchLabels, MtlsMode, Operation,
  PeerAuthentication, PolicySet, RequestAuthentication, ResourceRef, Rule, Source, Workload,
} from './types.ts'

/** A policy file this enforcer cannot apply faithfully; the message names file, resource and field. */
export class PolicyLoadError extends Error {
  override name = 'PolicyLoadError'
}

const GROUP = 'security.istio.io'
const API_VERSIONS = new Set([`${GROUP}/v1`, `${GROUP}/v1beta1`])

type Obj = Record<string, unknown>

interface At {
  ref: ResourceRef
  path: string
}

function fail (at: At, message: string): never {
  const ns = at.ref.namespace ? `${at.ref.namespace}/` : ''
  throw new PolicyLoadError(`${at.ref.file}: ${at.ref.kind} ${ns}${at.ref.name}: ${at.path}: ${message}`)
}

function child (at: At, key: string | number): At {
  return { ref: at.ref, path: typeof key === 'number' ? `${at.path}[${key}]` : `${at.path}.${key}` }
}

function isObj (value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function readObj (value: unknown, at: At): Obj {
  if (value === undefined || value === null) return {}
  if (!isObj(value)) fail(at, 'must be an object')
  return value
}

/**
 * Every key must be one we enforce. Known Istio fields we do not enforce are refused by name (a policy
 * silently half-applied is worse than none); anything else is a typo or a field from a newer API.
 */
function checkKeys (obj: Obj, at: At, supported: string[], unsupported: string[]): void {
  for (const key of Object.keys(obj)) {
    if (supported.includes(key)) continue
    if (unsupported.includes(key)) fail(child(at, key), 'field not supported by @bookinfo/mesh-policy (see its README)')
    fail(child(at, key), 'unknown field')
  }
}

function readList (value: unknown, at: At): unknown[] | undefined {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) fail(at, 'must be a list')
  return value
}

/** Each item of an optional list, read with its own path (`<at>[i]`). */
function readEach<T> (value: unknown, at: At, read: (item: unknown, at: At) => T): T[] | undefined {
  return readList(value, at)?.map((item, i) => read(item, child(at, i)))
}

/** A list of match patterns; an empty list means "not set", as in Istio. */
function readPatterns (value: unknown, at: At, opts: { paths?: boolean } = {}): string[] | undefined {
  const list = readList(value, at)
  if (!list || list.length === 0) return undefined
  return list.map((item, i) => {
    if (typeof item !== 'string' || item === '') fail(child(at, i), 'must be a non-empty string')
    if (opts.paths && item.includes('{')) fail(child(at, i), `"${item}": path templates are not supported`)
    if (item.length > 1 && item.slice(1, -1).includes('*')) fail(child(at, i), `"${item}": a wildcard may only start or end a value`)
    return item
  })
}

function readMatchLabels (spec: Obj, at: At): MatchLabels {
  if (spec.selector === undefined || spec.selector === null) return undefined
  const sat = child(at, 'selector')
  const selector = readObj(spec.selector, sat)
  checkKeys(selector, sat, ['matchLabels'], [])
  const lat = child(sat, 'matchLabels')
  const labels = readObj(selector.matchLabels, lat)
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v !== 'string') fail(child(lat, k), 'must be a string')
    out[k] = v
  }
  return out
}

const TARGET_FIELDS = ['targetRef', 'targetRefs']

function readSource (value: unknown, at: At): Source {
  const entry = readObj(value, at)
  checkKeys(entry, at, ['source'], [])
  const sat = child(at, 'source')
  const src = readObj(entry.source, sat)
  checkKeys(src, sat, ['principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals'],
    ['namespaces', 'notNamespaces', 'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks', 'serviceAccounts', 'notServiceAccounts'])
  const source: Source = {
    principals: readPatterns(src.principals, child(sat, 'principals')),
    notPrincipals: readPatterns(src.notPrincipals, child(sat, 'notPrincipals')),
    requestPrincipals: readPatterns(src.requestPrincipals, child(sat, 'requestPrincipals')),
    notRequestPrincipals: readPatterns(src.notRequestPrincipals, child(sat, 'notRequestPrincipals')),
  }
  // Istio's validation refuses an empty source: it would read as "anyone" by accident.
  if (Object.values(source).every((v) => v === undefined)) fail(sat, 'must not be empty')
  return source
}

function readOperation (value: unknown, at: At): Operation {
  const entry = readObj(value, at)
  checkKeys(entry, at, ['operation'], [])
  const oat = child(at, 'operation')
  const op = readObj(entry.operation, oat)
  checkKeys(op, oat, ['methods', 'notMethods', 'paths', 'notPaths'], ['hosts', 'notHosts', 'ports', 'notPorts'])
  const operation: Operation = {
    methods: readPatterns(op.methods, child(oat, 'methods')),
    notMethods: readPatterns(op.notMethods, child(oat, 'notMethods')),
    paths: readPatterns(op.paths, child(oat, 'paths'), { paths: true }),
    notPaths: readPatterns(op.notPaths, child(oat, 'notPaths'), { paths: true }),
  }
  if (Object.values(operation).every((v) => v === undefined)) fail(oat, 'must not be empty')
  return operation
}

const SIMPLE_KEYS: Record<string, ConditionAttribute> = {
  'request.auth.principal': { kind: 'requestPrincipal' },
  'request.auth.audiences': { kind: 'audiences' },
  'request.auth.presenter': { kind: 'presenter' },
  'source.principal': { kind: 'sourcePrincipal' },
}

/** `when` keys we evaluate; see README "Supported". */
export function parseConditionKey (key: string): ConditionAttribute | undefined {
  const simple = SIMPLE_KEYS[key]
  if (simple) return simple
  const header = /^request\.headers\[([^\][]+)\]$/.exec(key)
  if (header?.[1]) return { kind: 'header', name: header[1].toLowerCase() }
  const claims = /^request\.auth\.claims((?:\[[^\][]+\])+)$/.exec(key)
  if (claims?.[1]) return { kind: 'claim', path: [...claims[1].matchAll(/\[([^\][]+)\]/g)].map((m) => m[1] ?? '') }
  return undefined
}

function readCondition (value: unknown, at: At): Condition {
  const cond = readObj(value, at)
  checkKeys(cond, at, ['key', 'values', 'notValues'], [])
  if (typeof cond.key !== 'string' || cond.key === '') fail(child(at, 'key'), 'is required')
  const attribute = parseConditionKey(cond.key)
  if (!attribute) fail(child(at, 'key'), `"${cond.key}": condition key not supported by @bookinfo/mesh-policy (see its README)`)
  const values = readPatterns(cond.values, child(at, 'values'))
  const notValues = readPatterns(cond.notValues, child(at, 'notValues'))
  if (!values && !notValues) fail(at, 'needs values or notValues')
  return { key: cond.key, attribute, values, notValues }
}

function readRule (value: unknown, at: At): Rule {
  const rule = readObj(value, at)
  checkKeys(rule, at, ['from', 'to', 'when'], [])
  const from = readEach(rule.from, child(at, 'from'), readSource)
  const to = readEach(rule.to, child(at, 'to'), readOperation)
  const when = readEach(rule.when, child(at, 'when'), readCondition)
  return {
    from: from?.length ? from : undefined,
    to: to?.length ? to : undefined,
    when: when?.length ? when : undefined,
  }
}

function readAuthorizationPolicy (spec: Obj, at: At): AuthorizationPolicy {
  checkKeys(spec, at, ['selector', 'action', 'rules'], [...TARGET_FIELDS, 'provider'])
  const action = spec.action ?? 'ALLOW'
  if (action === 'AUDIT' || action === 'CUSTOM') fail(child(at, 'action'), `${action} is not supported by @bookinfo/mesh-policy (see its README)`)
  if (action !== 'ALLOW' && action !== 'DENY') fail(child(at, 'action'), `unknown action ${JSON.stringify(action)}`)
  const rules = readList(spec.rules, child(at, 'rules')) ?? []
  return {
    ref: at.ref,
    matchLabels: readMatchLabels(spec, at),
    action,
    rules: rules.map((r, i) => readRule(r, child(child(at, 'rules'), i))),
  }
}

function readJwks (value: unknown, at: At): JSONWebKeySet {
  if (typeof value !== 'string') fail(at, 'must be a JSON string')
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    fail(at, 'is not valid JSON')
  }
  if (!isObj(parsed) || !Array.isArray(parsed.keys)) fail(at, 'must be a JWK set ({"keys": [...]})')
  return parsed as unknown as JSONWebKeySet
}

function readJwtRule (value: unknown, at: At): JwtRule {
  const rule = readObj(value, at)
  checkKeys(rule, at, ['issuer', 'jwksUri', 'jwks', 'audiences', 'forwardOriginalToken'],
    ['fromHeaders', 'fromParams', 'fromCookies', 'outputPayloadToHeader', 'outputClaimToHeaders', 'timeout'])
  if (typeof rule.issuer !== 'string' || rule.issuer === '') fail(child(at, 'issuer'), 'is required')
  if (rule.jwksUri !== undefined && (typeof rule.jwksUri !== 'string' || !/^https?:\/\//.test(rule.jwksUri))) {
    fail(child(at, 'jwksUri'), 'must be an http(s) URL')
  }
  const jwks = rule.jwks === undefined ? undefined : readJwks(rule.jwks, child(at, 'jwks'))
  if (rule.jwksUri === undefined && jwks === undefined) {
    // Istio would fall back to OpenID discovery on the issuer; we keep key sources explicit.
    fail(at, 'needs jwksUri or jwks (OpenID discovery from the issuer is not supported)')
  }
  if (rule.forwardOriginalToken !== undefined && typeof rule.forwardOriginalToken !== 'boolean') {
    fail(child(at, 'forwardOriginalToken'), 'must be true or false')
  }
  const audiences = readEach(rule.audiences, child(at, 'audiences'), (a, aat) => {
    if (typeof a !== 'string' || a === '') fail(aat, 'must be a non-empty string')
    return a
  })
  return {
    issuer: rule.issuer,
    jwksUri: rule.jwksUri,
    jwks,
    audiences: audiences?.length ? audiences : undefined,
    forwardOriginalToken: rule.forwardOriginalToken === true,
  }
}

function readRequestAuthentication (spec: Obj, at: At): RequestAuthentication {
  checkKeys(spec, at, ['selector', 'jwtRules'], TARGET_FIELDS)
  const rules = readList(spec.jwtRules, child(at, 'jwtRules')) ?? []
  return {
    ref: at.ref,
    matchLabels: readMatchLabels(spec, at),
    jwtRules: rules.map((r, i) => readJwtRule(r, child(child(at, 'jwtRules'), i))),
  }
}

const MTLS_MODES: MtlsMode[] = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT']

function readPeerAuthentication (spec: Obj, at: At): PeerAuthentication {
  checkKeys(spec, at, ['selector', 'mtls'], ['portLevelMtls', ...TARGET_FIELDS])
  const mat = child(at, 'mtls')
  const mtls = readObj(spec.mtls, mat)
  checkKeys(mtls, mat, ['mode'], [])
  const mode = mtls.mode ?? 'UNSET'
  if (!MTLS_MODES.includes(mode as MtlsMode)) fail(child(mat, 'mode'), `unknown mode ${JSON.stringify(mode)}`)
  return { ref: at.ref, matchLabels: readMatchLabels(spec, at), mode: mode as MtlsMode }
}

/** Parses one YAML text; resources outside security.istio.io (networking, k8s) are skipped. */
export function parsePolicies (text: string, file: string, into: PolicySet = emptyPolicySet()): PolicySet {
  const docs = parseAllDocuments(text)
  const list = Array.isArray(docs) ? docs : [docs]
  list.forEach((doc, index) => {
    if (doc.errors.length > 0) throw new PolicyLoadError(`${file}: document ${index + 1}: ${doc.errors[0]?.message ?? 'invalid YAML'}`)
    const value: unknown = doc.toJS()
    if (value === null || value === undefined) return
    if (!isObj(value)) throw new PolicyLoadError(`${file}: document ${index + 1}: not a Kubernetes resource`)
    const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : ''
    if (!apiVersion.startsWith(`${GROUP}/`)) return
    const metadata = isObj(value.metadata) ? value.metadata : {}
    const ref: ResourceRef = {
      file,
      kind: typeof value.kind === 'string' ? value.kind : '?',
      name: typeof metadata.name === 'string' ? metadata.name : `(document ${index + 1})`,
      namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
    }
    const at: At = { ref, path: 'spec' }
    if (!API_VERSIONS.has(apiVersion)) fail({ ref, path: 'apiVersion' }, `${apiVersion} is not supported`)
    const spec = readObj(value.spec, at)
    switch (ref.kind) {
      case 'AuthorizationPolicy': into.authorizationPolicies.push(readAuthorizationPolicy(spec, at)); break
      case 'RequestAuthentication': into.requestAuthentications.push(readRequestAuthentication(spec, at)); break
      case 'PeerAuthentication': into.peerAuthentications.push(readPeerAuthentication(spec, at)); break
      default: fail({ ref, path: 'kind' }, 'unknown kind')
    }
  })
  return into
}

export function emptyPolicySet (): PolicySet {
  return { requestAuthentications: [], authorizationPolicies: [], peerAuthentications: [] }
}

async function yamlFiles (path: string): Promise<string[]> {
  let info
  try {
    info = await stat(path)
  } catch {
    throw new PolicyLoadError(`${path}: no such file or directory`)
  }
  if (!info.isDirectory()) return [path]
  const entries = await readdir(path, { withFileTypes: true })
  const nested = await Promise.all(entries
    .filter((e) => e.isDirectory() || /\.ya?ml$/.test(e.name))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((e) => yamlFiles(join(path, e.name))))
  return nested.flat()
}

/** Loads every security.istio.io resource from the given files and directories (recursively, *.yaml/*.yml). */
export async function loadPolicies (paths: string[]): Promise<PolicySet> {
  if (paths.length === 0) throw new PolicyLoadError('no policy files given')
  const set = emptyPolicySet()
  for (const path of paths) {
    for (const file of await yamlFiles(path)) parsePolicies(await readFile(file, 'utf8'), file, set)
  }
  return set
}

function labelsMatch (matchLabels: MatchLabels, labels: Record<string, string>): boolean {
  if (!matchLabels) return true
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v)
}

/**
 * The resources that apply to one workload: same namespace (or no namespace in the file, or the mesh
 * root namespace) and `matchLabels` a subset of the workload's labels (no selector = namespace-wide).
 */
export function selectForWorkload (set: PolicySet, workload: Workload, rootNamespace = 'istio-system'): PolicySet {
  const applies = (r: { ref: ResourceRef, matchLabels: MatchLabels }): boolean =>
    (r.ref.namespace === undefined || r.ref.namespace === workload.namespace || r.ref.namespace === rootNamespace) &&
    labelsMatch(r.matchLabels, workload.labels)
  return {
    requestAuthentications: set.requestAuthentications.filter(applies),
    authorizationPolicies: set.authorizationPolicies.filter(applies),
    peerAuthentications: set.peerAuthentications.filter(applies),
  }
}
