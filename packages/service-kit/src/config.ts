import { envSchema } from 'env-schema'

/** A JSON schema for env vars: every property is one variable, with its type, default and pattern. */
export interface EnvJsonSchema {
  type: 'object'
  properties: Record<string, Record<string, unknown>>
  required?: string[]
  additionalProperties?: boolean
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Validates `env` against `schema` (with coercion and defaults) and returns the typed result.
 * Throws a ConfigError whose message names each bad variable, so `server.ts` can exit non-zero with it.
 */
export function loadEnv<T> (schema: EnvJsonSchema, env: NodeJS.ProcessEnv | Record<string, string | undefined>): T {
  try {
    // Only the schema's own names are read: the rest of the environment never reaches the config.
    const picked: Record<string, string> = {}
    for (const name of Object.keys(schema.properties)) {
      const value = env[name]
      if (value !== undefined && value !== '') picked[name] = value
    }
    return envSchema<T>({ schema: { ...schema, additionalProperties: false }, data: picked, dotenv: false, env: false })
  } catch (err) {
    throw new ConfigError(`invalid environment: ${describeEnvError(err)}`)
  }
}

function describeEnvError (err: unknown): string {
  const errors = (err as { errors?: Array<{ instancePath?: string, message?: string, params?: Record<string, unknown> }> }).errors
  if (!Array.isArray(errors)) return (err as Error).message
  return errors.map((e) => {
    const name = e.instancePath?.replace(/^\//, '') || String(e.params?.missingProperty ?? '')
    return `${name} ${e.message ?? 'is invalid'}`
  }).join('; ')
}
