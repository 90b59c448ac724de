/** One JSON line per event on stdout. Callers pass paths without query strings and never a credential. */
export type LogFn = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void

export const jsonLog: LogFn = (level, msg, fields = {}) => {
  process.stdout.write(`${JSON.stringify({ level, time: new Date().toISOString(), name: 'dev-idp', msg, ...fields })}\n`)
}

export const silentLog: LogFn = () => {}
