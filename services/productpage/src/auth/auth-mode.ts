import type { FastifyInstance, FastifyRequest } from 'fastify'

/**
 * The seam between the pages/outbound calls and how users sign in. Each login mode (the simple upstream
 * form today, OIDC later) is a plugin that registers its own routes (/login, /logout, ...) and decorates
 * the app with one `AuthMode`. Routes only ever ask these questions, so a new mode needs no route changes.
 */
export interface AuthMode {
  name: string
  /**
   * The signed-in user's name, or undefined when the request is anonymous. An empty string is a
   * signed-in session with an empty name (upstream allowed it: `end-user` is still sent).
   */
  sessionUser: (request: FastifyRequest) => string | undefined
  /**
   * Headers this mode adds to every backend call, over the propagated ones: `end-user` for the simple
   * login; OIDC will add `authorization: Bearer <access token>` as well.
   */
  outboundHeaders: (request: FastifyRequest) => Record<string, string>
  /** How the page offers signing in: the upstream modal that POSTs `login`, or a plain link (OIDC). */
  signIn: { kind: 'form' } | { kind: 'link', href: string }
}

declare module 'fastify' {
  interface FastifyInstance {
    authMode: AuthMode
  }
}

/** The session user of a request (see `AuthMode.sessionUser`). */
export function sessionUser (request: FastifyRequest): string | undefined {
  return request.server.authMode.sessionUser(request)
}

/** Called by each mode's plugin: makes the mode visible to every route. */
export function installAuthMode (app: FastifyInstance, mode: AuthMode): void {
  app.decorate('authMode', mode)
}
