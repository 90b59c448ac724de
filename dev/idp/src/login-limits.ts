import type { IncomingMessage } from 'node:http'
import proxyaddr from 'proxy-addr'
// The package's index loads every store it supports (Redis, Mongo, the SQL ones, DynamoDB, ...): about 1 MB
// of heap in every IdP process for the in-memory one the form uses. These two files are all it needs.
import RateLimiterMemory from 'rate-limiter-flexible/lib/RateLimiterMemory.js'
import RateLimiterRes from 'rate-limiter-flexible/lib/RateLimiterRes.js'

export interface LoginLimitConfig {
  /** Failed logins one account may take in a window, from anywhere (0: no limit). */
  failuresPerAccount: number
  /** Failed logins one client address may make in a window, on any account (0: no limit). */
  failuresPerIp: number
  windowSeconds: number
  /** Proxies in front whose X-Forwarded-For counts (0: the socket's peer is the client). */
  trustProxyHops: number
}

export interface LoginLimiter {
  /** Seconds until this client may try this account again; 0 when it may now. */
  retryAfter: (req: IncomingMessage, account: string) => Promise<number>
  /** Counts a wrong password against the client and the account. */
  failed: (req: IncomingMessage, account: string) => Promise<void>
  /** A right password: the account's failures are forgiven (the client's are not). */
  succeeded: (account: string) => Promise<void>
}

function limiter (keyPrefix: string, points: number, duration: number): RateLimiterMemory | undefined {
  // blockDuration = the window: once over, the key is refused for a whole window, then starts afresh.
  return points === 0 ? undefined : new RateLimiterMemory({ keyPrefix, points, duration, blockDuration: duration })
}

/** Seconds left on a key that has used up its points, else 0. */
async function blockedFor (rl: RateLimiterMemory | undefined, key: string): Promise<number> {
  const res = rl === undefined ? null : await rl.get(key)
  if (res === null || rl === undefined || res.consumedPoints < rl.points) return 0
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000))
}

async function consume (rl: RateLimiterMemory | undefined, key: string): Promise<void> {
  try {
    await rl?.consume(key)
  } catch (err) {
    // Over the limit: RateLimiterRes is the answer, not a failure (the next retryAfter reports it).
    if (!(err instanceof RateLimiterRes)) throw err
  }
}

/**
 * Brute-force limits of the password form (rate-limiter-flexible, in memory): wrong passwords count per account
 * (a guesser spread over many addresses is slowed on that account) and per client address (one address spraying
 * many accounts is slowed). Over either, the form answers 429 without checking the password, for the rest of the
 * window; then the account opens again by itself: nobody is locked out for good. Right passwords never count.
 */
export function createLoginLimiter (config: LoginLimitConfig): LoginLimiter {
  const byAccount = limiter('account', config.failuresPerAccount, config.windowSeconds)
  const byIp = limiter('ip', config.failuresPerIp, config.windowSeconds)
  const hops = config.trustProxyHops
  const clientIp = (req: IncomingMessage): string => proxyaddr(req, (_address, hop) => hop < hops)
  return {
    retryAfter: async (req, account) => Math.max(await blockedFor(byAccount, account), await blockedFor(byIp, clientIp(req))),
    failed: async (req, account) => {
      await Promise.all([consume(byAccount, account), consume(byIp, clientIp(req))])
    },
    succeeded: async (account) => {
      await byAccount?.delete(account)
    },
  }
}
