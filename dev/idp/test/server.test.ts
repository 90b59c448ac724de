import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeProtectedHeader } from 'jose'
import { startProcess } from '@bookinfo/test-helpers'
import { generateRsaKey } from '../src/keys.ts'
import { OidcBrowser, formOf } from '@bookinfo/test-helpers/oidc-browser'
import { PERSONAS, SERVER_TS, authorizeUrl, exchangeCode, loginAs, startIdp } from './fixture.ts'

describe('server process', () => {
  it('prints the issuer and the persona logins (never passwords), and exits 0 on SIGTERM', async () => {
    const idp = await startIdp()
    const out = idp.proc.output()
    expect(out).toContain(`issuer: ${idp.issuer}`)
    for (const email of ['user@bookinfo.com', 'mod@bookinfo.com', 'jason@bookinfo.com']) expect(out).toContain(email)
    for (const p of Object.values(PERSONAS)) expect(out).not.toContain(p.password)
    expect(await idp.proc.stop('SIGTERM')).toBe(0)
  })

  it('exits 1 with a message naming the variable on bad env', async () => {
    const proc = await startProcess(process.execPath, [SERVER_TS], { env: { IDP_ISSUER: 'http://localhost:9090' } })
    expect(await proc.exited).toBe(1)
    expect(proc.output()).toContain('IDP_ISSUER')
  })

  it('uses IDP_KEYS_FILE, IDP_COOKIE_KEYS, a password override and the access token TTL', async () => {
    const key = generateRsaKey()
    const dir = mkdtempSync(join(tmpdir(), 'dev-idp-'))
    const keysFile = join(dir, 'jwks.json')
    writeFileSync(keysFile, JSON.stringify({ keys: [key] }))
    const idp = await startIdp({
      IDP_KEYS_FILE: keysFile,
      IDP_COOKIE_KEYS: 'a-test-cookie-key-of-some-length',
      IDP_USER_PASSWORD: 'overridden-password',
      IDP_ACCESS_TOKEN_TTL: '120',
    })
    try {
      const jwks = await (await fetch(new URL('/.well-known/jwks.json', idp.base))).json() as { keys: Array<{ kid: string }> }
      expect(jwks.keys.map((k) => k.kid)).toEqual([key.kid])

      // The documented password no longer works for the overridden persona.
      const browser = new OidcBrowser()
      const { page } = await browser.navigateWithin(authorizeUrl(idp).url, idp.base)
      const wrong = await browser.post(formOf(page).action, { username: 'user@bookinfo.com', password: 'user-password' })
      expect(wrong.status).toBe(401)

      const login = await loginAs(idp, { login: 'user@bookinfo.com', password: 'overridden-password' })
      const tokens = await exchangeCode(idp, login)
      expect(tokens.status).toBe(200)
      expect(tokens.body.expires_in).toBe(120)
      expect(decodeProtectedHeader(tokens.body.access_token as string).kid).toBe(key.kid)
      expect(idp.proc.output()).not.toContain('overridden-password')
    } finally {
      await idp.proc.stop()
    }
  })
})
