import pino, { type Logger, type LoggerOptions } from 'pino'

/** Fields that hold a credential: censored at the top of a log line and one level below any key. */
export const SECRET_FIELDS = ['access_token', 'id_token', 'refresh_token', 'client_secret', 'code_verifier', 'password'] as const

/** Paths pino replaces with "[Redacted]": credentials must never reach a log line. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers.jwt',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers.jwt',
  'headers["set-cookie"]',
  ...SECRET_FIELDS,
]

const CENSOR = '[Redacted]'

/**
 * `{ anything: { access_token } }` → `{ anything: { access_token: "[Redacted]" } }` for every secret field,
 * as pino's `*.access_token` paths would. Those wildcard paths cost about 5 µs on every field of every
 * line (pino runs them over the bindings, the message and numbers too), so every request paid for them
 * even at LOG_LEVEL=warn; this walks the logged object's values once and copies only what it censors.
 */
export function censorNestedSecrets (obj: Record<string, unknown>): Record<string, unknown> {
  let out = obj
  for (const key in obj) {
    const value = obj[key]
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue
    let censored: Record<string, unknown> | undefined
    for (const field of SECRET_FIELDS) {
      if (Object.hasOwn(value, field)) {
        censored ??= { ...value }
        censored[field] = CENSOR
      }
    }
    if (censored !== undefined) {
      if (out === obj) out = { ...obj }
      out[key] = censored
    }
  }
  return out
}

// Query parameters that carry one-time credentials (OIDC callback) are masked in logged URLs.
const SECRET_QUERY = /([?&](?:code|state|token|access_token|id_token|refresh_token|session_state|passwd|password)=)[^&#]*/gi

export function redactUrl (url: string): string {
  // Most URLs have no query: skip the regular expression for them (this runs on every access line).
  return url.includes('?') ? url.replace(SECRET_QUERY, '$1[Redacted]') : url
}

export interface LogSettings {
  level: string
  /** Human-readable output; only when a person watches a terminal, never chosen by NODE_ENV. */
  pretty: boolean
  name?: string
}

export function loggerOptions ({ level, pretty, name }: LogSettings): LoggerOptions {
  return {
    level,
    ...(name ? { name } : {}),
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    formatters: { log: censorNestedSecrets },
    serializers: {
      req: (req: { method: string, url: string, hostname?: string, ip?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        host: req.hostname,
        remoteAddress: req.ip,
      }),
      // Fastify's own `res` serializer, stated here so every logger built from these options has it.
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  }
}

/**
 * The process logger. JSON goes to stdout through pino's asynchronous destination: under load the lines
 * that arrive while a write is in flight go out together in the next one (one syscall for many lines,
 * instead of one per line), and pino flushes what is left when the process exits.
 */
export function createLogger (settings: LogSettings): Logger {
  const options = loggerOptions(settings)
  return settings.pretty ? pino(options) : pino(options, pino.destination({ dest: 1, sync: false }))
}
