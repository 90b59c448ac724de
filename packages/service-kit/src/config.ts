import { Ajv, type ValidateFunction } from 'ajv'

/** A JSON schema for env vars: every property is one variable, with its type, default and pattern. */
export interface EnvJsonSchema {
  type: 'object'
  properties: Record<string, Record<string, unknown>>
  required?: string[]
  additionalProperties?: boolean
}

/** Env vars every service reads (names, defaults, validation). Spread into each service's own schema. */
export const BASE_ENV_PROPERTIES = {
  PORT: { type: 'integer', minimum: 1, maximum: 65535, default: 9080 },
  HOST: { type: 'string', minLength: 1, default: '::' },
  LOG_LEVEL: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
  LOG_FORMAT: { type: 'string', enum: ['auto', 'json', 'pretty'], default: 'auto' },
  SHUTDOWN_GRACE_MS: { type: 'integer', minimum: 0, maximum: 120_000, default: 10_000 },
  SHUTDOWN_DELAY_MS: { type: 'integer', minimum: 0, maximum: 60_000, default: 0 },
} as const

export interface BaseEnv {
  PORT: number
  HOST: string
  LOG_LEVEL: string
  LOG_FORMAT: 'auto' | 'json' | 'pretty'
  SHUTDOWN_GRACE_MS: number
  /** After SIGTERM, readiness false while still serving (listen.ts); part of SHUTDOWN_GRACE_MS. */
  SHUTDOWN_DELAY_MS: number
}
/**
 * A service's env schema: the variables every service reads, then shared pieces (the mesh policy's), then the
 * service's own. One place for the names every service shares; `loadEnv` validates against it.
 */
export function serviceEnvSchema (own: EnvJsonSchema['properties'], ...pieces: Array<EnvJsonSchema['properties']>): EnvJsonSchema {
  return { type: 'object', properties: Object.assign({}, BASE_ENV_PROPERTIES, ...pieces, own) }
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * env-schema's Ajv settings (coerce strings, fill defaults, drop unknown names, report every error), built on
 * the first use rather than at import. `validateSchema: false` skips checking our schema against the JSON
 * Schema meta-schema, whose compilation was about a fifth of a service's start-up; compiling still refuses
 * an unknown keyword, an unknown type or a keyword value of the wrong type (config.test.ts).
 */
let ajv: Ajv | undefined
const compiled = new WeakMap<EnvJsonSchema, ValidateFunction>()

function validatorFor (schema: EnvJsonSchema): ValidateFunction {
  let validate = compiled.get(schema)
  if (validate === undefined) {
    ajv ??= new Ajv({ allErrors: true, removeAdditional: true, useDefaults: true, coerceTypes: true, allowUnionTypes: true, addUsedSchema: false, validateSchema: false })
    validate = ajv.compile({ ...schema, additionalProperties: false })
    compiled.set(schema, validate)
  }
  return validate
}

/**
 * Validates `env` against `schema` (with coercion and defaults) and returns the typed result.
 * Throws a ConfigError whose message names each bad variable, so `server.ts` can exit non-zero with it.
 */
export function loadEnv<T> (schema: EnvJsonSchema, env: NodeJS.ProcessEnv | Record<string, string | undefined>): T {
  const validate = validatorFor(schema)
  // Only the schema's own names are read: the rest of the environment never reaches the config.
  const picked: Record<string, string> = {}
  for (const name of Object.keys(schema.properties)) {
    const value = env[name]
    if (value !== undefined && value !== '') picked[name] = value
  }
  if (!validate(picked)) throw new ConfigError(`invalid environment: ${describeEnvError(validate.errors ?? [])}`)
  return picked as T
}

type EnvError = { instancePath?: string, message?: string, params?: Record<string, unknown> }

function describeEnvError (errors: readonly EnvError[]): string {
  return errors.map((e) => {
    const name = e.instancePath?.replace(/^\//, '') || String(e.params?.missingProperty ?? '')
    return `${name} ${e.message ?? 'is invalid'}`
  }).join('; ')
}
