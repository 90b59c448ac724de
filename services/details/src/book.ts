import { isRecord } from '@bookinfo/service-kit'

/** The details object, keys in upstream's order. `year` is a string in external mode (publishedDate as sent). */
export interface Book {
  id: number
  author: string | null
  year: number | string | null
  type: string
  pages: number | null
  publisher: string | null
  language: string
  'ISBN-10': string | null
  'ISBN-13': string | null
}

/** The one book upstream details v1 returns for every id. */
export function staticBook (id: number): Book {
  return {
    id,
    author: 'William Shakespeare',
    year: 1595,
    type: 'paperback',
    pages: 200,
    publisher: 'PublisherA',
    language: 'English',
    'ISBN-10': '1234567890',
    'ISBN-13': '123-1234567890',
  }
}

/**
 * Maps a Google Books `volumes` answer to the details object, as upstream v2 does.
 * Returns an error message when there is no first item with a `volumeInfo` object.
 * A missing field becomes null (upstream Ruby rendered nil as null).
 */
export function bookFromVolumes (id: number, body: unknown): Book | { error: string } {
  const items = isRecord(body) ? body.items : undefined
  const first = Array.isArray(items) ? items[0] : undefined
  const info = isRecord(first) ? first.volumeInfo : undefined
  if (!isRecord(info)) return { error: 'external book service returned no book' }
  const authors = info.authors
  return {
    id,
    author: Array.isArray(authors) ? stringOrNull(authors[0]) : null,
    year: stringOrNull(info.publishedDate),
    type: info.printType === 'BOOK' ? 'paperback' : 'unknown',
    pages: typeof info.pageCount === 'number' && Number.isInteger(info.pageCount) ? info.pageCount : null,
    publisher: stringOrNull(info.publisher),
    language: info.language === 'en' ? 'English' : 'unknown',
    'ISBN-10': isbnOf(info, 'ISBN_10'),
    'ISBN-13': isbnOf(info, 'ISBN_13'),
  }
}

function isbnOf (info: Record<string, unknown>, type: 'ISBN_10' | 'ISBN_13'): string | null {
  const ids = info.industryIdentifiers
  if (!Array.isArray(ids)) return null
  const match = ids.find((entry: unknown) => isRecord(entry) && entry.type === type) as Record<string, unknown> | undefined
  return match ? stringOrNull(match.identifier) : null
}

function stringOrNull (value: unknown): string | null {
  return typeof value === 'string' ? value : null
}
