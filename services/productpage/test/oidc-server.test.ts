import { spawnSync } from 'node:child_process'
import { getFreePort, startService } from '@bookinfo/test-helpers'
import { OidcBrowser } from '@bookinfo/test-helpers/oidc-browser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  PRODUCTPAGE_SERVER, oidcEnv, reserveOrigin, startBackends, startIdp, startProductpage,
  type Backends, type RunningIdp, type RunningProductpage,
} from './oidc-fixture.ts'

const OIDC = {
  OIDC_ISSUER: 'http://localhost:9090/',
  OIDC_CLIENT_ID: 'bookinfo-productpage',
  OIDC_CLIENT_SECRET: 'secret-secret',
  OIDC_CALLBACK_URL: 'http://localhost:9080/callback',
}

/** Runs server.ts with only `env` (plus PATH) and returns its exit status and stderr. */
function runServer (env: Record<string, string>): { status: number | null, stderr: string } {
  const res = spawnSync(process.execPath, [PRODUCTPAGE_SERVER], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '1', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  })
  return { status: res.status, stderr: res.stderr }
}

describe('server.ts in OIDC mode', () => {
  it.each([
    ['OIDC_CLIENT_SECRET', { ...OIDC, OIDC_CLIENT_SECRET: '' }],
    ['OIDC_CALLBACK_URL', { ...OIDC, OIDC_CALLBACK_URL: '' }],
    ['AUTH0_CLIENT_ID', { AUTH0_DOMAIN: 'tenant.auth0.com', AUTH0_CLIENT_SECRET: 's', AUTH0_CALLBACK_URL: 'http://x/callback' }],
    ['SESSION_SECRET', { ...OIDC, NODE_ENV: 'production' }],
    ['OIDC_INTERNAL_BASE_URL', { ...OIDC, OIDC_INTERNAL_BASE_URL: 'http://idp:9090/path' }],
  ])('exits 1 with a message naming %s', (name, env) => {
    const { status, stderr } = runServer(env)
    expect(status).toBe(1)
    expect(stderr).toContain(name)
    expect(stderr).not.toContain('secret-secret')
  })

  it('starts with the IdP down, serves the anonymous page, warns about the dev session key, and stops on SIGTERM', async () => {
    const port = await getFreePort()
    const idpPort = await getFreePort()
    const proc = await startService(PRODUCTPAGE_SERVER, {
      ...OIDC,
      OIDC_ISSUER: `http://localhost:${idpPort}/`,
      OIDC_HTTP_TIMEOUT_MS: '200',
      PORT: String(port),
      DETAILS_HOSTNAME: '127.0.0.1',
      DETAILS_SERVICE_PORT: '1',
      REVIEWS_HOSTNAME: '127.0.0.1',
      REVIEWS_SERVICE_PORT: '1',
    })
    try {
      const page = await fetch(`http://127.0.0.1:${port}/productpage`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('href="/login">Sign in</a>')
      const login = await fetch(`http://127.0.0.1:${port}/login`, { redirect: 'manual' })
      expect(login.status).toBe(502)
      expect(proc.output()).toContain('SESSION_SECRET is not set')
      expect(proc.output()).toContain('OIDC discovery failed')
    } finally {
      expect(await proc.stop()).toBe(0)
    }
  })
})

describe('COOKIE_SECURE behind a TLS-terminating ingress', () => {
  let idp: RunningIdp
  let backends: Backends
  let pp: RunningProductpage

  beforeAll(async () => {
    backends = await startBackends()
    const { port, origin } = await reserveOrigin()
    idp = await startIdp([origin])
    pp = await startProductpage(port, oidcEnv(idp, origin, backends, { COOKIE_SECURE: 'true' }))
  })

  afterAll(async () => {
    await pp?.close()
    await idp?.stop()
    await backends?.close()
  })

  it('/login with X-Forwarded-Proto: https sets a Secure session cookie and __Host- PKCE cookies', async () => {
    const res = await new OidcBrowser().request(`${pp.origin}/login`, { headers: { 'x-forwarded-proto': 'https' } })
    expect(res.status).toBe(302)
    const cookies = res.headers.getSetCookie()
    expect(cookies.find((c) => c.startsWith('session='))).toMatch(/; Secure/)
    const verifier = cookies.find((c) => c.startsWith('__Host-oauth2-code-verifier='))
    expect(verifier).toMatch(/; Path=\/;.*HttpOnly; Secure; SameSite=Lax/)
    expect(cookies.some((c) => c.startsWith('oauth2-code-verifier='))).toBe(false)
  })
})
