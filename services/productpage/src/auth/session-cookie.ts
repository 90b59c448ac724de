/** Name of the session cookie, as upstream's Flask session (apart from session.ts, which loads the session stores). */
export const SESSION_COOKIE = 'session'
