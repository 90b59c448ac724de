import type { LoggerOptions } from 'pino'

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
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  }
}
