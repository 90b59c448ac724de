import { fetchWithDeadline, parseJson } from '@bookinfo/service-kit'
import type { Dispatcher } from 'undici'
import { bookFromVolumes, type Book } from './book.ts'
import type { ExternalBookConfig } from './config.ts'

/**
 * Details v2: looks the book up in the external book service (Google Books). One attempt, hard deadline.
 * Every failure is a short message for the 400 body; internals (addresses, stack) stay out of it.
 */
export async function fetchExternalBook (
  id: number,
  { url, timeoutMs }: ExternalBookConfig,
  headers: Record<string, string>,
  dispatcher?: Dispatcher
): Promise<Book | { error: string }> {
  const result = await fetchWithDeadline(url, { headers, timeoutMs, ...(dispatcher ? { dispatcher } : {}) })
  if (result.kind === 'failure') {
    if (result.reason === 'timeout') return { error: 'external book service timed out' }
    if (result.reason === 'too-large') return { error: 'external book service answer too large' }
    return { error: 'external book service unreachable' }
  }
  if (result.status !== 200) return { error: `external book service answered ${result.status}` }
  const body = parseJson(result.text)
  if (body === undefined) return { error: 'external book service answered invalid JSON' }
  return bookFromVolumes(id, body)
}
