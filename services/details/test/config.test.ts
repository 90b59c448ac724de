import { ConfigError } from '@bookinfo/service-kit'
import { describe, expect, it } from 'vitest'
import { configFromEnv } from '../src/config.ts'

const VOLUMES = '/books/v1/volumes?q=isbn:0486424618'

describe('configFromEnv', () => {
  it('defaults to the static book on port 9080', () => {
    const { base, config } = configFromEnv({})
    expect(base.PORT).toBe(9080)
    expect(config.externalBook).toBeUndefined()
  })

  it('turns external mode on only for the exact string "true"', () => {
    for (const value of ['TRUE', 'True', '1', 'yes', ' true']) {
      expect(configFromEnv({ ENABLE_EXTERNAL_BOOK_SERVICE: value }).config.externalBook).toBeUndefined()
    }
    expect(configFromEnv({ ENABLE_EXTERNAL_BOOK_SERVICE: 'true' }).config.externalBook).toEqual({
      url: `https://www.googleapis.com:443${VOLUMES}`,
      timeoutMs: 5000,
    })
  })

  it('uses plain HTTP on port 80 when DO_NOT_ENCRYPT is exactly "true"', () => {
    const on = configFromEnv({ ENABLE_EXTERNAL_BOOK_SERVICE: 'true', DO_NOT_ENCRYPT: 'true' })
    expect(on.config.externalBook?.url).toBe(`http://www.googleapis.com:80${VOLUMES}`)
    const notExact = configFromEnv({ ENABLE_EXTERNAL_BOOK_SERVICE: 'true', DO_NOT_ENCRYPT: 'True' })
    expect(notExact.config.externalBook?.url).toBe(`https://www.googleapis.com:443${VOLUMES}`)
  })

  it('lets EXTERNAL_BOOK_SERVICE_URL and EXTERNAL_BOOK_TIMEOUT_MS override origin and deadline', () => {
    const { config } = configFromEnv({
      ENABLE_EXTERNAL_BOOK_SERVICE: 'true',
      DO_NOT_ENCRYPT: 'true',
      EXTERNAL_BOOK_SERVICE_URL: 'http://127.0.0.1:8099/',
      EXTERNAL_BOOK_TIMEOUT_MS: '250',
    })
    expect(config.externalBook).toEqual({ url: `http://127.0.0.1:8099${VOLUMES}`, timeoutMs: 250 })
  })

  it('accepts and ignores SERVICE_VERSION', () => {
    const { meshPolicy, ...rest } = configFromEnv({ SERVICE_VERSION: 'v2' }).config
    expect(rest).toEqual({ externalBook: undefined })
    expect(meshPolicy).toMatchObject({ enabled: false, workload: { labels: { app: 'details', version: 'v1' } } })
  })

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['EXTERNAL_BOOK_TIMEOUT_MS', '0'],
    ['EXTERNAL_BOOK_TIMEOUT_MS', 'soon'],
    ['EXTERNAL_BOOK_SERVICE_URL', 'ftp://example.invalid'],
    ['EXTERNAL_BOOK_SERVICE_URL', 'http://127.0.0.1:1/books'],
  ])('rejects %s=%s with an error naming it', (name, value) => {
    expect(() => configFromEnv({ [name]: value })).toThrow(ConfigError)
    expect(() => configFromEnv({ [name]: value })).toThrow(name)
  })
})
