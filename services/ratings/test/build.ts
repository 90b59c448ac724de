import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.ts'
import { configFromEnv, type Config } from '../src/config.ts'

/** An app from the given env plus config overrides (injected random, clock, sleep, bounds). */
export async function appWith (env: Record<string, string> = {}, overrides: Partial<Config> = {}): Promise<FastifyInstance> {
  return buildApp({ ...configFromEnv(env).config, ...overrides })
}

export const DEFAULT_BODY = '{"id":1,"ratings":{"Reviewer1":5,"Reviewer2":4}}'
