import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '@bookinfo/service-kit'
import { configFromEnv, DEFAULT_SEED_FILE } from '../src/config.ts'
import { loadSeed, permissionsOf } from '../src/seed.ts'
import { findUserByLogin, passwordMatches } from '../src/accounts.ts'
import { loadSigningKeys, publicJwks } from '../src/keys.ts'

function tempFile (name: string, content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'dev-idp-')), name)
  writeFileSync(file, content)
  return file
}

describe('configFromEnv', () => {
  it('defaults run the local stack', () => {
    const config = configFromEnv({})
    expect(config).toMatchObject({
      port: 9090,
      host: '127.0.0.1',
      issuer: 'http://localhost:9090/',
      seedFile: DEFAULT_SEED_FILE,
      keysFile: undefined,
      cookieKeys: undefined,
      passwordOverrides: {},
      accessTokenTtl: 3600,
      redirectUris: ['http://localhost:9080/callback'],
      postLogoutUris: ['http://localhost:9080/productpage'],
    })
  })

  it('reads lists, overrides and numbers', () => {
    const config = configFromEnv({
      IDP_PORT: '9999',
      IDP_ISSUER: 'https://idp.bookinfo.test/',
      IDP_REDIRECT_URIS: 'http://localhost:9080/callback, http://localhost:8080/callback',
      IDP_POST_LOGOUT_URIS: 'http://localhost:8080/productpage',
      IDP_USER_PASSWORD: 'another-one',
      IDP_ACCESS_TOKEN_TTL: '60',
      IDP_COOKIE_KEYS: 'a-long-enough-cookie-key,second-long-cookie-key',
    })
    expect(config.port).toBe(9999)
    expect(config.redirectUris).toEqual(['http://localhost:9080/callback', 'http://localhost:8080/callback'])
    expect(config.passwordOverrides).toEqual({ IDP_USER_PASSWORD: 'another-one' })
    expect(config.accessTokenTtl).toBe(60)
    expect(config.cookieKeys).toHaveLength(2)
  })

  it.each([
    ['IDP_ISSUER', 'http://localhost:9090'], // no trailing slash: `iss` would not match Auth0-style consumers
    ['IDP_ISSUER', 'http://localhost:9090/tenant/'],
    ['IDP_ISSUER', 'localhost:9090/'],
    ['IDP_PORT', 'abc'],
    ['IDP_PORT', '70000'],
    ['IDP_ACCESS_TOKEN_TTL', '0'],
    ['IDP_REDIRECT_URIS', 'not a url'],
    ['IDP_REDIRECT_URIS', 'http://localhost:9080/callback#frag'],
    ['IDP_POST_LOGOUT_URIS', ' , '],
    ['IDP_DEV_CLIENT_SECRET', 'short'],
    ['IDP_COOKIE_KEYS', 'short'],
  ])('%s=%s → ConfigError naming it', (name, value) => {
    expect(() => configFromEnv({ [name]: value })).toThrow(ConfigError)
    expect(() => configFromEnv({ [name]: value })).toThrow(name)
  })
})

describe('seed', () => {
  const seed = loadSeed(DEFAULT_SEED_FILE, {})

  it('has the three documented personas with their roles and permissions', () => {
    const byEmail = Object.fromEntries(seed.users.map((u) => [u.email, u]))
    expect(Object.keys(byEmail).sort()).toEqual(['jason@bookinfo.com', 'mod@bookinfo.com', 'user@bookinfo.com'])
    expect(permissionsOf(seed, byEmail['user@bookinfo.com']!)).toEqual(['read:book-details'])
    expect(permissionsOf(seed, byEmail['mod@bookinfo.com']!)).toEqual(['read:book-details', 'read:book-reviews'])
    expect(permissionsOf(seed, byEmail['jason@bookinfo.com']!)).toEqual(['read:book-details', 'read:book-reviews'])
    expect(byEmail['jason@bookinfo.com']!.nickname).toBe('jason')
    expect(seed.api.identifier).toBe('https://bookinfo.io')
    expect(seed.client.clientId).toBe('bookinfo-productpage')
  })

  it('finds users by email in any case or by username; passwords compare exactly', () => {
    expect(findUserByLogin(seed, ' USER@bookinfo.com ')?.nickname).toBe('user')
    expect(findUserByLogin(seed, 'jason')?.email).toBe('jason@bookinfo.com')
    expect(findUserByLogin(seed, '')).toBeUndefined()
    expect(findUserByLogin(seed, 'user')).toBeUndefined()
    const user = findUserByLogin(seed, 'user@bookinfo.com')!
    expect(passwordMatches(user, 'user-password')).toBe(true)
    expect(passwordMatches(user, 'User-password')).toBe(false)
    expect(passwordMatches(user, '')).toBe(false)
  })

  it('an env override replaces the documented password', () => {
    const overridden = loadSeed(DEFAULT_SEED_FILE, { IDP_MOD_PASSWORD: 'changed' })
    const mod = findUserByLogin(overridden, 'mod@bookinfo.com')!
    expect(passwordMatches(mod, 'changed')).toBe(true)
    expect(passwordMatches(mod, 'mod-password')).toBe(false)
  })

  it.each([
    ['not json', '{'],
    ['no users', JSON.stringify({ api: { identifier: 'a', name: 'b', scope: 'openid' }, roles: {}, users: [], client: {} })],
    ['unknown role', JSON.stringify({
      api: { identifier: 'a', name: 'b', scope: 'openid' },
      roles: { user: ['x'] },
      users: [{ sub: 's', email: 'e@x', nickname: 'n', name: 'n', roles: ['admin'], password: 'p' }],
      client: { client_id: 'c', client_name: 'c', grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' },
    })],
  ])('a broken seed (%s) → ConfigError', (_what, content) => {
    expect(() => loadSeed(tempFile('seed.json', content), {})).toThrow(ConfigError)
  })
})

describe('signing keys', () => {
  it('without a file: one fresh RS256 key, and the published JWKS has no private parts', () => {
    const [key] = loadSigningKeys(undefined)
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' })
    expect(typeof key?.d).toBe('string')
    const [pub] = publicJwks([key!]).keys
    expect(pub).toMatchObject({ kty: 'RSA', kid: key?.kid })
    expect((pub as Record<string, unknown>).d).toBeUndefined()
  })

  it('a keys file without a private RSA key → ConfigError', () => {
    expect(() => loadSigningKeys(tempFile('jwks.json', JSON.stringify({ keys: [{ kty: 'RSA', n: 'x', e: 'AQAB' }] })))).toThrow(ConfigError)
    expect(() => loadSigningKeys(tempFile('jwks.json', 'nope'))).toThrow(ConfigError)
  })
})
