export { buildApp, type ProductpageDeps } from './app.ts'
export { configFromEnv, PRODUCTPAGE_ENV_SCHEMA, type ProductpageConfig, type AuthModeName, type OidcConfig, type SessionConfig } from './config.ts'
export { sessionUser, installAuthMode, type AuthMode } from './auth/auth-mode.ts'
