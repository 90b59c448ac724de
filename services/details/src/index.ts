export { buildApp, type DetailsDeps } from './app.ts'
export { configFromEnv, DETAILS_ENV_SCHEMA, type DetailsConfig } from './config.ts'
