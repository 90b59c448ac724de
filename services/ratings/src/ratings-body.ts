import { isRecord, parseJson } from '@bookinfo/service-kit'
import type { Ratings } from './store.ts'

/** Stricter than upstream, which stored any JSON: a bounded object of reviewer name → whole stars. */
export const MAX_REVIEWERS = 20
export const MAX_REVIEWER_NAME = 100
export const MAX_STARS = 5

/**
 * Parses a POST /ratings body (raw text whatever the content type, as upstream) into ratings;
 * undefined when it is not JSON or not an object of reviewer → integer 0..5.
 */
export function parseRatingsBody (text: string | undefined): Ratings | undefined {
  if (text === undefined) return undefined
  const value = parseJson(text)
  if (!isRecord(value)) return undefined
  const entries = Object.entries(value)
  if (entries.length > MAX_REVIEWERS) return undefined
  for (const [name, stars] of entries) {
    if (name.length === 0 || name.length > MAX_REVIEWER_NAME) return undefined
    if (!Number.isInteger(stars) || (stars as number) < 0 || (stars as number) > MAX_STARS) return undefined
  }
  // fromEntries defines own properties, so a reviewer named "__proto__" stays a plain key.
  return Object.fromEntries(entries) as Ratings
}
