import { createClient } from 'redis'
import { parseJson } from '@bookinfo/service-kit'
import type { FastifyBaseLogger, Session } from 'fastify'
import type { SessionStore } from '@fastify/session'

export interface ClosableStore {
  store: SessionStore
  /** Called once the app is ready (connects to Redis); bounded, never throws. */
  open: () => Promise<void>
  close: () => Promise<void>
}

/**
 * How long a session may live in the store: until its cookie expires, and never past `maxAgeMs`
 * (a session without an expiry, or a forged far-future one, is still bounded).
 */
export function ttlMs (session: unknown, maxAgeMs: number, now: number): number {
  const expires = (session as { cookie?: { expires?: unknown } } | null)?.cookie?.expires
  const at = expires instanceof Date ? expires.getTime() : typeof expires === 'string' ? Date.parse(expires) : Number.NaN
  const left = Number.isFinite(at) ? at - now : maxAgeMs
  return Math.max(1, Math.min(left, maxAgeMs))
}

/**
 * In-process sessions: JSON copies (as Redis would hold them) with an expiry, and at most `maxEntries`
 * (@fastify/session's own MemoryStore never forgets anything: every /login would grow it for good).
 * When full, expired entries go first, then the oldest.
 */
export function createMemorySessionStore (opts: { maxAgeMs: number, maxEntries?: number, now?: () => number }): ClosableStore {
  const now = opts.now ?? Date.now
  const maxEntries = opts.maxEntries ?? 10_000
  const entries = new Map<string, { json: string, expiresAt: number }>()

  const evict = () => {
    const t = now()
    for (const [id, entry] of entries) if (entry.expiresAt <= t) entries.delete(id)
    while (entries.size >= maxEntries) {
      const oldest = entries.keys().next().value
      if (oldest === undefined) break
      entries.delete(oldest)
    }
  }

  const store: SessionStore = {
    set (id, session, callback) {
      entries.delete(id)
      if (entries.size >= maxEntries) evict()
      entries.set(id, { json: JSON.stringify(session), expiresAt: now() + ttlMs(session, opts.maxAgeMs, now()) })
      callback()
    },
    get (id, callback) {
      const entry = entries.get(id)
      if (entry === undefined || entry.expiresAt <= now()) {
        entries.delete(id)
        callback(null, null)
        return
      }
      callback(null, JSON.parse(entry.json) as Session)
    },
    destroy (id, callback) {
      entries.delete(id)
      callback()
    },
  }
  return { store, open: async () => {}, close: async () => { entries.clear() } }
}

export const REDIS_KEY_PREFIX = 'bookinfo:productpage:session:'

/**
 * Sessions in Redis (the `redis` client), one key per session with a TTL, so replicas share logins.
 * Commands fail fast while Redis is away (no offline queue, a deadline per command): a read error is an
 * anonymous request (pages keep working), a write error fails the login with a clear page.
 */
export function createRedisSessionStore (opts: { url: string, maxAgeMs: number, timeoutMs: number, log: FastifyBaseLogger }): ClosableStore {
  const client = createClient({
    url: opts.url,
    disableOfflineQueue: true,
    commandOptions: { timeout: opts.timeoutMs },
    socket: {
      connectTimeout: opts.timeoutMs,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
    },
  })
  // Without a listener an unreachable Redis would crash the process; log each outage once (never the URL).
  let healthy = true
  client.on('error', (err: Error) => {
    if (healthy) opts.log.warn({ reason: err.message }, 'session store (Redis) unavailable')
    healthy = false
  })
  client.on('ready', () => {
    if (!healthy) opts.log.info('session store (Redis) available again')
    healthy = true
  })

  const store: SessionStore = {
    set (id, session, callback) {
      const ttl = ttlMs(session, opts.maxAgeMs, Date.now())
      client.set(REDIS_KEY_PREFIX + id, JSON.stringify(session), { expiration: { type: 'PX', value: ttl } })
        .then(() => callback(), (err: unknown) => callback(err))
    },
    get (id, callback) {
      client.get(REDIS_KEY_PREFIX + id).then((json) => {
        if (typeof json !== 'string') {
          callback(null, null)
          return
        }
        // A value that is not JSON is no session (the request is anonymous).
        callback(null, (parseJson(json) ?? null) as Session | null)
      }, (err: unknown) => {
        opts.log.warn({ reason: (err as Error).message }, 'session read failed: treating the request as anonymous')
        callback(null, null)
      })
    },
    destroy (id, callback) {
      client.del(REDIS_KEY_PREFIX + id).then(() => callback(), (err: unknown) => callback(err))
    },
  }

  let connecting: Promise<unknown> | undefined
  return {
    store,
    open: async () => {
      connecting = client.connect().catch(() => {})
      // Start-up waits a little for Redis, never for long: the anonymous page does not need it.
      await Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, opts.timeoutMs).unref())])
    },
    close: async () => {
      // A client still reconnecting to an absent Redis would never finish a graceful close.
      if (client.isReady) await client.close().catch(() => {})
      client.destroy()
    },
  }
}
