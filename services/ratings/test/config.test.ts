import { ConfigError } from '@bookinfo/service-kit'
import { describe, expect, it } from 'vitest'
import { configFromEnv, SERVICE_VERSIONS } from '../src/config.ts'

describe('configFromEnv', () => {
  it('defaults to v1 with upstream periods, 7 s delay and a 10 000-id store', () => {
    const { base, config } = configFromEnv({})
    expect(base.PORT).toBe(9080)
    expect(config.serviceVersion).toBe('v1')
    expect(config.delayMs).toBe(7_000)
    expect(config.unavailablePeriodMs).toBe(60_000)
    expect(config.unhealthyPeriodMs).toBe(900_000)
    expect(config.storeMaxIds).toBe(10_000)
    expect(config.database).toEqual({
      type: 'mongodb',
      mysql: { host: 'localhost', port: 3306, user: 'root', password: '' },
      mongoUrl: 'mongodb://localhost:27017/test',
      connectTimeoutMs: 1_000,
      queryTimeoutMs: 1_000,
    })
  })

  it('reads the upstream manifest variables for MySQL', () => {
    const { config } = configFromEnv({
      SERVICE_VERSION: 'v2',
      DB_TYPE: 'mysql',
      MYSQL_DB_HOST: 'mysqldb',
      MYSQL_DB_PORT: '3307',
      MYSQL_DB_USER: 'root',
      MYSQL_DB_PASSWORD: 'password',
      DB_CONNECT_TIMEOUT_MS: '500',
      DB_QUERY_TIMEOUT_MS: '700',
    })
    expect(config.serviceVersion).toBe('v2')
    expect(config.database).toMatchObject({
      type: 'mysql',
      mysql: { host: 'mysqldb', port: 3307, user: 'root', password: 'password' },
      connectTimeoutMs: 500,
      queryTimeoutMs: 700,
    })
  })

  it.each(SERVICE_VERSIONS)('accepts SERVICE_VERSION=%s', (version) => {
    expect(configFromEnv({ SERVICE_VERSION: version }).config.serviceVersion).toBe(version)
  })

  it.each([
    ['SERVICE_VERSION', 'v3'],
    ['SERVICE_VERSION', 'V1'],
    ['DB_TYPE', 'postgres'],
    ['MYSQL_DB_PORT', 'abc'],
    ['MYSQL_DB_PORT', '70000'],
    ['MONGO_DB_URL', 'http://mongodb:27017/test'],
    ['DB_CONNECT_TIMEOUT_MS', '5'],
    ['DB_QUERY_TIMEOUT_MS', 'soon'],
    ['PORT', 'abc'],
  ])('rejects %s=%s, naming the variable', (name, value) => {
    expect(() => configFromEnv({ [name]: value })).toThrow(ConfigError)
    expect(() => configFromEnv({ [name]: value })).toThrow(name)
  })

  it('takes MYSQL_DB_PASSWORD verbatim and ignores unrelated variables', () => {
    expect(configFromEnv({ UNRELATED: 'x', MYSQL_DB_PASSWORD: 's3cret' }).config.database.mysql.password).toBe('s3cret')
  })
})
