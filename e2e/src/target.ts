// Which deployment the suite drives, from the environment only: one spec set, one switch (e2e/README.md).
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export type IdpKind = 'bundled' | 'auth0'
export type PersonaKey = 'user' | 'mod'

export interface Credentials {
  login: string
  password: string
  /** What the page greets the persona with (productpage shows the nickname, else the email). */
  displayName: string
}

/** The local stack's ports, one fixed set away from `./scripts/dev.sh`'s 9080-9090. */
export interface LocalPorts {
  productpage: number
  details: number
  ratings: number
  'reviews-v1': number
  'reviews-v2': number
  'reviews-v3': number
  idp: number
  /** The recording back-channel proxy between productpage and the IdP (token capture). */
  idpBackChannel: number
}

export interface LocalTarget {
  kind: 'local'
  baseUrl: string
  idp: 'bundled'
  personas: Record<PersonaKey, Credentials>
  ports: LocalPorts
  /** One JSON log file per process, rewritten at every run. */
  logDir: string
  /** Where the back-channel proxy answers with the tokens it saw (loopback, test harness only). */
  capturedTokensUrl: string
}

export interface RemoteTarget {
  kind: 'remote'
  baseUrl: string
  idp: IdpKind
  personas: Record<PersonaKey, Credentials>
  /** E2E_LOG_DIR: where the deployment's logs are streamed (`*.log`, e.g. by scripts/test-compose.sh), if anywhere. */
  logDir?: string
}

export type Target = LocalTarget | RemoteTarget

export const E2E_ROOT = fileURLToPath(new URL('../', import.meta.url))
export const REPO_ROOT = join(E2E_ROOT, '..')

/** The bundled IdP's personas (dev/idp/README.md); their passwords are public dev values. */
const BUNDLED: Record<PersonaKey, Credentials> = {
  user: { login: 'user@bookinfo.com', password: 'user-password', displayName: 'user' },
  mod: { login: 'mod@bookinfo.com', password: 'mod-password', displayName: 'moderator' },
}

export const DEFAULT_LOCAL_BASE_PORT = 19080

export function localPorts (base: number): LocalPorts {
  return {
    productpage: base,
    details: base + 1,
    ratings: base + 2,
    'reviews-v1': base + 3,
    'reviews-v2': base + 4,
    'reviews-v3': base + 5,
    idp: base + 10,
    idpBackChannel: base + 11,
  }
}

function fail (message: string): never {
  throw new Error(`e2e target: ${message} (see e2e/README.md)`)
}

function personasFromEnv (env: NodeJS.ProcessEnv, idp: IdpKind): Record<PersonaKey, Credentials> {
  const persona = (key: PersonaKey, prefix: 'USER' | 'MOD'): Credentials => {
    const login = env[`E2E_${prefix}_EMAIL`] ?? (idp === 'bundled' ? BUNDLED[key].login : undefined)
    const password = env[`E2E_${prefix}_PASSWORD`] ?? (idp === 'bundled' ? BUNDLED[key].password : undefined)
    if (login === undefined || password === undefined) {
      fail(`E2E_IDP=${idp} needs E2E_${prefix}_EMAIL and E2E_${prefix}_PASSWORD`)
    }
    // Auth0 defaults a user's nickname to the email's local part; the bundled seed sets its own.
    const fallbackName = idp === 'bundled' && login === BUNDLED[key].login ? BUNDLED[key].displayName : login.split('@')[0] ?? login
    return { login, password, displayName: env[`E2E_${prefix}_NAME`] ?? fallbackName }
  }
  return { user: persona('user', 'USER'), mod: persona('mod', 'MOD') }
}

/**
 * BASE_URL unset: the local target, started by the suite itself (global setup). Set: a running deployment
 * (compose, kind, a real tenant) behind that URL, with E2E_IDP naming the login page to drive.
 */
export function resolveTarget (env: NodeJS.ProcessEnv = process.env): Target {
  const idp = env.E2E_IDP ?? 'bundled'
  if (idp !== 'bundled' && idp !== 'auth0') fail(`E2E_IDP must be bundled or auth0 (got "${idp}")`)
  const rawBase = env.BASE_URL
  if (rawBase === undefined || rawBase === '') {
    if (idp !== 'bundled') fail('the local target (no BASE_URL) runs the bundled IdP; E2E_IDP=auth0 needs BASE_URL')
    const base = Number(env.E2E_LOCAL_BASE_PORT ?? DEFAULT_LOCAL_BASE_PORT)
    if (!Number.isInteger(base) || base < 1024 || base > 65_000) fail('E2E_LOCAL_BASE_PORT must be an integer 1024-65000')
    const ports = localPorts(base)
    return {
      kind: 'local',
      baseUrl: `http://localhost:${ports.productpage}`,
      idp: 'bundled',
      personas: BUNDLED,
      ports,
      logDir: join(REPO_ROOT, '.run', 'e2e', 'logs'),
      capturedTokensUrl: `http://127.0.0.1:${ports.idpBackChannel}/__e2e/captured-tokens`,
    }
  }
  let url: URL
  try {
    url = new URL(rawBase)
  } catch {
    fail(`BASE_URL is not a URL: "${rawBase}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('BASE_URL must be http(s)')
  // The origin only: every spec navigates to paths of productpage (/productpage, /login, /api/...).
  const logDir = env.E2E_LOG_DIR === undefined || env.E2E_LOG_DIR === '' ? {} : { logDir: env.E2E_LOG_DIR }
  return { kind: 'remote', baseUrl: url.origin, idp, personas: personasFromEnv(env, idp), ...logDir }
}
