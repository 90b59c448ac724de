import type { FastifyReply } from 'fastify'

/** Everything that can stop a sign-in or sign-out, each with the page the browser gets. */
export type Problem =
  | 'idp-unavailable' | 'session-store' | 'denied' | 'idp-error' | 'bad-callback' | 'expired-login'
  | 'code-rejected' | 'token-invalid' | 'cross-site-logout' | 'rate-limited'

/** The error pages: what went wrong in words a reader of the page understands; never request input. */
const PROBLEMS: Record<Problem, { status: number, title: string, message: string, retry: boolean }> = {
  'idp-unavailable': { status: 502, title: 'Sign-in is not available right now', message: 'The sign-in service could not be reached. Please try again in a moment.', retry: true },
  'session-store': { status: 503, title: 'Sign-in is not available right now', message: 'Your session could not be stored. Please try again in a moment.', retry: true },
  denied: { status: 400, title: 'Sign-in cancelled', message: 'The sign-in was cancelled or refused.', retry: true },
  'idp-error': { status: 400, title: 'Sign-in failed', message: 'The sign-in service reported an error.', retry: true },
  'bad-callback': { status: 400, title: 'Sign-in failed', message: 'The answer from the sign-in service was incomplete or malformed.', retry: true },
  'expired-login': { status: 400, title: 'Sign-in expired', message: 'This sign-in was not started in this browser, was already used, or took too long.', retry: true },
  'code-rejected': { status: 400, title: 'Sign-in failed', message: 'The sign-in could not be completed: the sign-in service did not accept it.', retry: true },
  'token-invalid': { status: 502, title: 'Sign-in failed', message: 'The answer from the sign-in service could not be verified.', retry: true },
  'rate-limited': { status: 429, title: 'Too many sign-in attempts', message: 'Too many sign-in requests came from your address. Please wait a minute, then sign in again.', retry: true },
  'cross-site-logout': { status: 403, title: 'Sign-out refused', message: 'Sign-out requests from other sites are refused. Use the sign-out link on the page.', retry: false },
}

/** Renders the page for `problem` (views/auth-error.hbs), never cached. */
export async function sendProblem (reply: FastifyReply, problem: Problem): Promise<FastifyReply> {
  const { status, ...view } = PROBLEMS[problem]
  return reply.code(status).header('cache-control', 'no-store').view('auth-error.hbs', view)
}

/** Response schemas of the login routes: a bare redirect, or an HTML error page. */
export const HTML_RESPONSES = { 302: { type: 'null' }, '4xx': { type: 'string' }, '5xx': { type: 'string' } } as const
