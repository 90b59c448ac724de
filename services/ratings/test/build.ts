import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.ts'
import { configFromEnv, type Config } from '../src/config.ts'
import type { RatingsDeps } from '../src/world.ts'

/** An app from the given env plus config overrides (bounds) and deps (random, clock, sleep). */
export async function appWith (env: Record<string, string> = {}, overrides: Partial<Config> & RatingsDeps = {}): Promise<FastifyInstance> {
  const { random, now, sleep, ...config } = overrides
  const deps: RatingsDeps = { ...(random ? { random } : {}), ...(now ? { now } : {}), ...(sleep ? { sleep } : {}) }
  return buildApp({ ...configFromEnv(env).config, ...config }, undefined, deps)
}

export const DEFAULT_BODY = '{"id":1,"ratings":{"Reviewer1":5,"Reviewer2":4}}'
