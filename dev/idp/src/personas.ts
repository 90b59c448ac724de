import { DEFAULT_SEED_FILE } from './config.ts'
import { loadSeed, permissionsOf } from './seed.ts'

/** One of the seed's personas as a person (or a test) signs in with it. */
export interface DevPersona {
  /** What goes in the login form: the user name when the seed has one (`jason`), else the email. */
  login: string
  /** The same, under the name a login form field carries. */
  username: string
  /** The documented dev password (dev/idp/README.md); the IdP takes another from the env var the seed names. */
  password: string
  email: string
  /** What productpage shows and sends as `end-user`. */
  nickname: string
  roles: string[]
  permissions: string[]
}

export type PersonaKey = 'user' | 'mod' | 'jason'

/**
 * The personas of the shipped seed (dev/idp/seed.json), keyed by their email's local part: the one list the
 * tests, the e2e suite and `./scripts/dev.sh` read, so a persona changed in the seed changes everywhere.
 */
export function devPersonas (seedFile = DEFAULT_SEED_FILE): Record<PersonaKey, DevPersona> {
  const seed = loadSeed(seedFile, {})
  const byKey: Partial<Record<PersonaKey, DevPersona>> = {}
  for (const user of seed.users) {
    const key = user.email.split('@')[0] as PersonaKey
    const login = user.username ?? user.email
    byKey[key] = { login, username: login, password: user.password, email: user.email, nickname: user.nickname, roles: user.roles, permissions: permissionsOf(seed, user) }
  }
  const { user, mod, jason } = byKey
  if (user === undefined || mod === undefined || jason === undefined) throw new Error(`${seedFile} lacks user@, mod@ or jason@`)
  return { user, mod, jason }
}
