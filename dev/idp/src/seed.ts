import { readFileSync } from 'node:fs'
import { ConfigError } from '@bookinfo/service-kit'

export interface SeedUser {
  /** Stable subject, Auth0-shaped (`auth0|…`). */
  sub: string
  email: string
  /** Optional second login name (jason signs in as `jason`, as in the istio.io tasks). */
  username: string | undefined
  emailVerified: boolean
  nickname: string
  name: string
  roles: string[]
  /** The dev password after env overrides. Never logged, never rendered. */
  password: string
  /** The env var that replaces `password`, for the start-up banner. */
  passwordEnv: string | undefined
}

export interface SeedClient {
  clientId: string
  clientName: string
  grantTypes: string[]
  responseTypes: string[]
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post'
}

export interface Seed {
  api: { identifier: string, name: string, scope: string }
  /** Role name → permissions, as in Auth0 RBAC. */
  roles: Record<string, string[]>
  users: SeedUser[]
  client: SeedClient
}

type Json = Record<string, unknown>

function fail (file: string, what: string): never {
  throw new ConfigError(`invalid IdP seed ${file}: ${what}`)
}

function str (file: string, obj: Json, key: string, where: string): string {
  const v = obj[key]
  if (typeof v !== 'string' || v === '') fail(file, `${where}.${key} must be a non-empty string`)
  return v
}

function strList (file: string, obj: Json, key: string, where: string): string[] {
  const v = obj[key]
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) fail(file, `${where}.${key} must be a list of strings`)
  return v as string[]
}

function obj (file: string, v: unknown, where: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(file, `${where} must be an object`)
  return v as Json
}

/** Reads and checks the seed; `passwordOverrides` (env name → password) replaces documented dev passwords. */
export function loadSeed (file: string, passwordOverrides: Record<string, string>): Seed {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    fail(file, (err as Error).message)
  }
  const root = obj(file, raw, 'seed')
  const apiJson = obj(file, root.api, 'api')
  const api = { identifier: str(file, apiJson, 'identifier', 'api'), name: str(file, apiJson, 'name', 'api'), scope: str(file, apiJson, 'scope', 'api') }

  const rolesJson = obj(file, root.roles, 'roles')
  const roles: Record<string, string[]> = {}
  for (const name of Object.keys(rolesJson)) roles[name] = strList(file, rolesJson, name, 'roles')

  if (!Array.isArray(root.users) || root.users.length === 0) fail(file, 'users must be a non-empty list')
  const users = root.users.map((u: unknown, i: number): SeedUser => {
    const where = `users[${i}]`
    const user = obj(file, u, where)
    const userRoles = strList(file, user, 'roles', where)
    const unknownRole = userRoles.find((r) => !(r in roles))
    if (unknownRole !== undefined) fail(file, `${where} has unknown role ${unknownRole}`)
    const passwordEnv = user.passwordEnv === undefined ? undefined : str(file, user, 'passwordEnv', where)
    return {
      sub: str(file, user, 'sub', where),
      email: str(file, user, 'email', where).toLowerCase(),
      username: user.username === undefined ? undefined : str(file, user, 'username', where).toLowerCase(),
      emailVerified: user.email_verified === true,
      nickname: str(file, user, 'nickname', where),
      name: str(file, user, 'name', where),
      roles: userRoles,
      password: (passwordEnv !== undefined ? passwordOverrides[passwordEnv] : undefined) ?? str(file, user, 'password', where),
      passwordEnv,
    }
  })
  const logins = users.flatMap((u) => [u.sub, u.email, ...(u.username ? [u.username] : [])])
  const dupe = logins.find((l, i) => logins.indexOf(l) !== i)
  if (dupe !== undefined) fail(file, `${dupe} is used by more than one user`)

  const clientJson = obj(file, root.client, 'client')
  const method = str(file, clientJson, 'token_endpoint_auth_method', 'client')
  if (method !== 'client_secret_basic' && method !== 'client_secret_post') {
    fail(file, 'client.token_endpoint_auth_method must be client_secret_basic or client_secret_post')
  }
  const client: SeedClient = {
    clientId: str(file, clientJson, 'client_id', 'client'),
    clientName: str(file, clientJson, 'client_name', 'client'),
    grantTypes: strList(file, clientJson, 'grant_types', 'client'),
    responseTypes: strList(file, clientJson, 'response_types', 'client'),
    tokenEndpointAuthMethod: method,
  }
  return { api, roles, users, client }
}

/** Permissions of a user: the union of its roles' permissions, in seed order, without duplicates. */
export function permissionsOf (seed: Seed, user: SeedUser): string[] {
  return [...new Set(user.roles.flatMap((r) => seed.roles[r] ?? []))]
}
