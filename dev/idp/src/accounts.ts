import { createHash, timingSafeEqual } from 'node:crypto'
import type { Seed, SeedUser } from './seed.ts'

/** Claims per OIDC scope, as Auth0 releases them (no picture: the IdP serves no external assets). */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'nickname'],
  email: ['email', 'email_verified'],
} as const

/** The seed user signing in with this email (any case) or username; undefined when none. */
export function findUserByLogin (seed: Seed, login: string): SeedUser | undefined {
  const wanted = login.trim().toLowerCase()
  if (wanted === '') return undefined
  return seed.users.find((u) => u.email === wanted || u.username === wanted)
}

export function findUserBySub (seed: Seed, sub: string): SeedUser | undefined {
  return seed.users.find((u) => u.sub === sub)
}

/** Compares digests so the time taken does not depend on how much of the password matched. */
export function passwordMatches (user: SeedUser, candidate: string): boolean {
  const a = createHash('sha256').update(user.password).digest()
  const b = createHash('sha256').update(candidate).digest()
  return timingSafeEqual(a, b)
}

/** Every claim the user has; oidc-provider (ID token) and our /userinfo filter by scope. */
export function allClaims (user: SeedUser): { sub: string } & Record<string, string | boolean> {
  return {
    sub: user.sub,
    name: user.name,
    nickname: user.nickname,
    email: user.email,
    email_verified: user.emailVerified,
  }
}

/** The claims the given scopes release, as Auth0's /userinfo answers. */
export function claimsForScopes (user: SeedUser, scopes: ReadonlySet<string>): Record<string, string | boolean> {
  const all = allClaims(user)
  const out: Record<string, string | boolean> = {}
  for (const [scope, names] of Object.entries(SCOPE_CLAIMS)) {
    if (!scopes.has(scope)) continue
    for (const name of names) {
      const value = all[name]
      if (value !== undefined) out[name] = value
    }
  }
  return out
}
