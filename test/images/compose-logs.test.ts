// Every container's log of the compose run (scripts/test-compose.sh streams them into COMPOSE_LOG_DIR, one
// file per service) holds no token and none of the stack's secrets or passwords: the local tier's leak
// check, over the containers.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { JWT_PATTERN, describeJwt } from '../../e2e/src/leaks.ts'
import { logDir, stackSecrets } from './stack.ts'

// One log per container: productpage runs twice (scripts/test-compose.sh scales it), behind the ingress.
const SERVICES = ['idp', 'redis', 'details', 'ratings', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'productpage', 'productpage-2', 'ingress']
// The bundled IdP's documented dev passwords (dev/idp/README.md): a log must not echo one either.
const PASSWORDS = ['user-password', 'mod-password', 'jason-password']

function logOf (service: string): string {
  return readFileSync(join(logDir(), `${service}.log`), 'utf8')
}

describe('container logs of the compose run', () => {
  it('has a log for every service, and the services logged the run\'s requests', () => {
    expect(readdirSync(logDir()).filter((f) => f.endsWith('.log')).sort()).toEqual(SERVICES.map((s) => `${s}.log`).sort())
    // Sign-ins happened (the IdP logged its token endpoint) and both productpage replicas served pages.
    expect(logOf('idp')).toContain('/oauth/token')
    expect(logOf('productpage')).toContain('"url":"/productpage"')
    expect(logOf('productpage-2')).toContain('"url":"/productpage"')
  })

  it.each(SERVICES)('%s: no JWT, no secret of the stack, no password', (service) => {
    const text = logOf(service)
    const jwts = [...text.matchAll(JWT_PATTERN)].map((m) => describeJwt(m[0]))
    expect(jwts, 'JWTs in the log').toEqual([])
    const secrets = { ...stackSecrets(), ...Object.fromEntries(PASSWORDS.map((p) => [`password ${p}`, p])) }
    // Names only in the failure message: the values stay out of the test output too.
    const found = Object.entries(secrets).filter(([, value]) => text.includes(value)).map(([name]) => name)
    expect(found, 'secrets in the log').toEqual([])
    expect(text).not.toMatch(/bearer\s+[\w-]+\.[\w-]+/i)
    // An authorization code in a logged URL (the ingress logs paths only; the services mask it).
    expect(text).not.toMatch(/[?&]code=(?!\[Redacted\])[\w-]{8,}/)
  })
})
