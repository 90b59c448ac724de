import pino, { type Logger, type LoggerOptions } from 'pino'

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
  '*.access_token',
  '*.id_token',
  '*.refresh_token',
  '*.client_secret',
  '*.code_verifier',
  'access_token',
  'id_token',
  'refresh_token',
  'client_secret',
  'password',
  '*.password',
]

// Query parameters that carry one-time credentials (OIDC callback) are masked in logged URLs.
const SECRET_QUERY = /([?&](?:code|state|token|access_token|id_token|refresh_token|session_state|passwd|password)=)[^&#]*/gi

export function redactUrl (url: string): string {
  return url.replace(SECRET_QUERY, '$1[Redacted]')
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
    redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
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
