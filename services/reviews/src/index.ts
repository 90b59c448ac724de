export { buildApp, type ReviewsDeps } from './app.ts'
export { configFromEnv, REVIEWS_ENV_SCHEMA, type ReviewsConfig } from './config.ts'
