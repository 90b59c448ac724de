import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import session from '@fastify/session'
import type { FastifyInstance } from 'fastify'
import type { SessionConfig } from '../config.ts'
import { SESSION_COOKIE } from './session-cookie.ts'
import { createMemorySessionStore, createRedisSessionStore } from './session-stores.ts'

export { SESSION_COOKIE }

/** Tokens of a signed-in user: kept in the server-side session, never sent to the browser. */
export interface SessionTokens {
  accessToken: string
  /** When the access token expires (ms since the epoch, productpage's clock). */
  accessExpiresAt: number
  refreshToken?: string
}

/** A login this browser started and has not finished (state and nonce are single-use). */
export interface PendingLogin {
  state: string
  nonce: string
  startedAt: number
}

declare module 'fastify' {
  interface Session {
    /** The signed-in user's name (ID token nickname, else email). */
    user?: string
    tokens?: SessionTokens
    login?: PendingLogin
  }
}

export interface SessionPluginOptions {
  config: SessionConfig
  /** Deadline of one Redis command. */
  timeoutMs: number
}

/**
 * @fastify/session: the `session` cookie carries only a signed random id (HttpOnly, SameSite=Lax, Secure
 * with COOKIE_SECURE); the data (user, tokens, pending login) is in Redis when SESSION_REDIS_URL is set,
 * else in a bounded in-process store. Only sessions that hold something are stored (no cookie for
 * anonymous visitors), and a session lives at most SESSION_MAX_AGE_SECONDS.
 */
async function sessionPlugin (app: FastifyInstance, { config, timeoutMs }: SessionPluginOptions): Promise<void> {
  if (config.secretIsDevDefault) {
    app.log.warn('SESSION_SECRET is not set: using the built-in development key; anyone can forge a session')
  }
  const maxAgeMs = config.maxAgeSeconds * 1000
  const store = config.redisUrl === undefined
    ? createMemorySessionStore({ maxAgeMs })
    : createRedisSessionStore({ url: config.redisUrl, maxAgeMs, timeoutMs, log: app.log })
  app.addHook('onReady', store.open)
  app.addHook('onClose', store.close)

  // The secret also signs @fastify/oauth2's short-lived PKCE verifier and state cookies.
  await app.register(cookie, { secret: config.secret })
  await app.register(session, {
    secret: config.secret,
    cookieName: SESSION_COOKIE,
    store: store.store,
    saveUninitialized: false,
    // A fixed lifetime from sign-in, and no store write on every page view.
    rolling: false,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.cookieSecure, maxAge: maxAgeMs },
  })
}

export const sessionPluginFp = fp(sessionPlugin, { name: 'productpage-session', fastify: '5.x' })
