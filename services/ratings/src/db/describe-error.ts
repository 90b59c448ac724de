/**
 * What we log about a database error: name, code and message, with any `user:password@` of a
 * connection URL masked (a MongoDB parse error can echo the URL).
 */
export function describeDbError (cause: unknown): { name: string, code?: string | number, message: string } {
  const err = cause instanceof Error ? cause : new Error(String(cause))
  const code = (err as { code?: unknown }).code
  return {
    name: err.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    message: err.message.replace(/\/\/[^/@\s]*@/g, '//[Redacted]@'),
  }
}
