// Where a jwtRule's keys come from: the inline `jwks`, its `jwksUri`, or (neither set) the issuer's
// OpenID discovery document, as istiod resolves it. Remote sets are cached like Envoy's remote JWKS
// (5 minutes); a token whose `kid` no cached key has triggers one early refetch at most every 30 s, so a
// restarted IdP with new keys is picked up. A fetch that fails or times out fails the token (401).
import { keysOf, type VerificationKey } from './keys.ts'

export interface KeySet {
  keys: VerificationKey[]
  /** Changes whenever the keys are replaced (verification caches are keyed on it). */
  version: number
}

export interface KeySource {
  /** The keys, fetched when missing or stale; undefined when they cannot be had. */
  get: (kid: string) => Promise<KeySet | undefined>
  /** The keys in hand if they are fresh, without fetching (the per-request fast path). */
  current: () => KeySet | undefined
}

export interface RemoteKeyOptions {
  timeoutMs: number
  cacheMaxAgeMs: number
  cooldownMs: number
}

export function inlineKeys (jwks: unknown): KeySource {
  const set: KeySet = { keys: keysOf(jwks), version: 1 }
  return { get: async () => set, current: () => set }
}

async function fetchJson (url: string, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' })
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`)
  return res.json()
}

/** `jwks_uri` from `<issuer without trailing slash>/.well-known/openid-configuration`. */
export function discoveryUri (issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`
}

export function remoteKeys (locate: () => Promise<string>, opts: RemoteKeyOptions): KeySource {
  let current: (KeySet & { fetchedAt: number }) | undefined
  let inflight: Promise<KeySet | undefined> | undefined
  let version = 0
  const load = async (): Promise<KeySet | undefined> => {
    try {
      const keys = keysOf(await fetchJson(await locate(), opts.timeoutMs))
      if (keys.length === 0) return current
      current = { keys, version: ++version, fetchedAt: Date.now() }
    } catch {
      // Keep serving the last good set; without one the token fails with "Jwks remote fetch is failed".
    }
    return current
  }
  const refresh = (): Promise<KeySet | undefined> => {
    inflight ??= load().finally(() => { inflight = undefined })
    return inflight
  }
  return {
    get: async (kid) => {
      const age = current === undefined ? Infinity : Date.now() - current.fetchedAt
      if (age >= opts.cacheMaxAgeMs) return refresh()
      const known = kid === '' || current?.keys.some((k) => k.kid === undefined || k.kid === kid)
      return known || age < opts.cooldownMs ? current : refresh()
    },
    current: () => (current !== undefined && Date.now() - current.fetchedAt < opts.cacheMaxAgeMs ? current : undefined),
  }
}

/** The key source of one jwtRule; remote sources are shared by URI (one cache per JWKS endpoint). */
export function keySourceFor (
  rule: { issuer: string, jwksUri?: string, jwks?: unknown, timeoutMs?: number },
  opts: RemoteKeyOptions,
  shared: Map<string, KeySource>
): KeySource {
  if (rule.jwks !== undefined) return inlineKeys(rule.jwks)
  const timeoutMs = rule.timeoutMs ?? opts.timeoutMs
  const id = `${rule.jwksUri ?? `discovery:${rule.issuer}`} ${timeoutMs}`
  let source = shared.get(id)
  if (!source) {
    const jwksUri = rule.jwksUri
    const locate = jwksUri !== undefined
      ? async () => jwksUri
      : async () => {
        const doc = await fetchJson(discoveryUri(rule.issuer), timeoutMs) as { jwks_uri?: unknown }
        if (typeof doc.jwks_uri !== 'string') throw new Error('no jwks_uri in the discovery document')
        return doc.jwks_uri
      }
    source = remoteKeys(locate, { ...opts, timeoutMs })
    shared.set(id, source)
  }
  return source
}
