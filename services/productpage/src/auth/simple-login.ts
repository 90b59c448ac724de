import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import { isRecord, parseJson, type FromSchema } from '@bookinfo/service-kit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SimpleLoginConfig } from '../config.ts'
import { installAuthMode } from './auth-mode.ts'
import { redirectTarget } from './redirect.ts'
import { SESSION_COOKIE } from './session-cookie.ts'

// A signed cookie value longer than this is not ours (ours is well under 300 bytes): skip the HMAC.
const MAX_COOKIE_CHARS = 1024

// Printable ASCII without leading/trailing spaces: the name goes into the `end-user` header verbatim.
const USERNAME_PATTERN = '^([!-~]([ -~]*[!-~])?)?$'

const loginBody = {
  type: 'object',
  properties: {
    username: { type: 'string', maxLength: 128, pattern: USERNAME_PATTERN },
    passwd: { type: 'string', maxLength: 1024 },
  },
  required: ['username'],
} as const

const loginSchema = { body: loginBody, response: { 302: { type: 'null' } } } as const

/**
 * Upstream's login: any user name, password ignored, kept in a signed (not encrypted) cookie named
 * `session`. The name goes out as `end-user` (what the istio.io "jason" routing matches on).
 */
async function simpleLogin (app: FastifyInstance, config: SimpleLoginConfig): Promise<void> {
  if (config.secretIsDevDefault) {
    app.log.warn('SESSION_SECRET is not set: using the built-in development key; anyone can forge a session')
  }
  await app.register(cookie, { secret: config.secret })
  await app.register(formbody)

  const cookieOptions = {
    httpOnly: true,
    path: '/',
    sameSite: 'lax' as const,
    secure: config.cookieSecure,
  }

  const readUser = (request: FastifyRequest): string | undefined => {
    const raw = request.cookies[SESSION_COOKIE]
    if (raw === undefined || raw.length > MAX_COOKIE_CHARS) return undefined
    const unsigned = request.unsignCookie(raw)
    if (!unsigned.valid || unsigned.value === null) return undefined
    return decodeSession(unsigned.value)
  }

  installAuthMode(app, {
    name: 'simple',
    sessionUser: readUser,
    outboundHeaders: (request): Record<string, string> => {
      const user = readUser(request)
      return user === undefined ? {} : { 'end-user': user }
    },
    signIn: { kind: 'form' },
  })

  app.post('/login', { schema: loginSchema }, async (request: FastifyRequest<{ Body: FromSchema<typeof loginBody> }>, reply: FastifyReply) => {
    const user = request.body.username
    // Cookie sessions have no server-side id to regenerate: the signed value itself is the session.
    reply.setCookie(SESSION_COOKIE, encodeSession(user), { ...cookieOptions, signed: true })
    request.log.debug({ user }, 'signed in')
    return reply.redirect(redirectTarget(request), 302)
  })

  app.get('/logout', { schema: { response: { 302: { type: 'null' } } } }, async (request, reply) => {
    reply.clearCookie(SESSION_COOKIE, cookieOptions)
    return reply.redirect(redirectTarget(request), 302)
  })
}

/** Cookie payload: base64url of `{"user": name}` (cookie-safe, leaves room for more keys later). */
export function encodeSession (user: string): string {
  return Buffer.from(JSON.stringify({ user }), 'utf8').toString('base64url')
}

export function decodeSession (value: string): string | undefined {
  const parsed = parseJson(Buffer.from(value, 'base64url').toString('utf8'))
  return isRecord(parsed) && typeof parsed.user === 'string' ? parsed.user : undefined
}

export const simpleLoginPlugin = fp(simpleLogin, { name: 'productpage-simple-login', fastify: '5.x' })
