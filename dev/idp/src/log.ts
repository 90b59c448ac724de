import { pino } from 'pino'
import { loggerOptions } from '@bookinfo/service-kit'

/** One log event. Callers pass paths without query strings and never a credential (redaction backs that up). */
export type LogFn = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void

/** pino with the services' settings: JSON lines, the same redaction paths, pretty only on a TTY. */
export function pinoLog (level = process.env.LOG_LEVEL ?? 'info'): LogFn {
  const logger = pino(loggerOptions({ level, pretty: process.stdout.isTTY === true, name: 'dev-idp' }))
  return (lvl, msg, fields = {}) => logger[lvl](fields, msg)
}

export const silentLog: LogFn = () => {}
