import { readFileSync } from 'node:fs'

/** Who a session plays: anonymous, or a seeded user signing in with a password. */
export interface Persona {
  name: string
  credentials?: { username: string, password: string }
}

interface SeedUser { email: string, username?: string, nickname: string, password: string, passwordEnv?: string }

/** The default seed: the bundled IdP's own dev/idp/seed.json (the image carries a copy beside the code). */
export const DEFAULT_SEED = new URL('../../../dev/idp/seed.json', import.meta.url)

/**
 * The personas of the IdP's seed plus `anonymous`. A password comes from the env variable the seed names
 * (as the IdP itself reads it), else from the seed.
 */
export function loadPersonas (seed: string | URL = DEFAULT_SEED, env: NodeJS.ProcessEnv = process.env): Persona[] {
  const { users } = JSON.parse(readFileSync(seed, 'utf8')) as { users: SeedUser[] }
  return [
    { name: 'anonymous' },
    ...users.map((user) => ({
      name: user.nickname,
      credentials: { username: user.username ?? user.email, password: (user.passwordEnv && env[user.passwordEnv]) || user.password },
    })),
  ]
}
