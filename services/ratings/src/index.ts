export { buildApp } from './app.ts'
export { configFromEnv, ENV_SCHEMA, SERVICE_VERSIONS, type Config, type DatabaseConfig, type ServiceVersion } from './config.ts'
