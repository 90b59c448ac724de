import { describe, expect, it } from 'vitest'
import { bookFromVolumes, staticBook } from '../src/book.ts'
import { VOLUMES_ANSWER } from './fixtures.ts'

describe('staticBook', () => {
  it('echoes the id into the fixed book', () => {
    expect(staticBook(-4)).toEqual({
      id: -4,
      author: 'William Shakespeare',
      year: 1595,
      type: 'paperback',
      pages: 200,
      publisher: 'PublisherA',
      language: 'English',
      'ISBN-10': '1234567890',
      'ISBN-13': '123-1234567890',
    })
  })
})

describe('bookFromVolumes', () => {
  it('maps the first volume as upstream details v2 does', () => {
    expect(bookFromVolumes(3, VOLUMES_ANSWER)).toEqual({
      id: 3,
      author: 'William Shakespeare',
      year: '2002-01-01',
      type: 'paperback',
      pages: 80,
      publisher: 'Courier Corporation',
      language: 'English',
      'ISBN-10': '0486424618',
      'ISBN-13': '9780486424613',
    })
  })

  it('says unknown for a non-BOOK print type and a non-English language', () => {
    const answer = { items: [{ volumeInfo: { printType: 'MAGAZINE', language: 'de' } }] }
    expect(bookFromVolumes(0, answer)).toMatchObject({ type: 'unknown', language: 'unknown' })
  })

  it('renders missing or mistyped fields as null', () => {
    const answer = { items: [{ volumeInfo: { authors: [], pageCount: '80', publishedDate: 2002, industryIdentifiers: [{ type: 'ISBN_10' }] } }] }
    expect(bookFromVolumes(0, answer)).toEqual({
      id: 0,
      author: null,
      year: null,
      type: 'unknown',
      pages: null,
      publisher: null,
      language: 'unknown',
      'ISBN-10': null,
      'ISBN-13': null,
    })
  })

  it.each([
    ['no items key', { totalItems: 0 }],
    ['empty items', { items: [] }],
    ['item without volumeInfo', { items: [{}] }],
    ['volumeInfo not an object', { items: [{ volumeInfo: 'x' }] }],
    ['a JSON array', []],
    ['a JSON string', 'books'],
    ['null', null],
  ])('is an error for %s', (_name, answer) => {
    expect(bookFromVolumes(0, answer)).toEqual({ error: 'external book service returned no book' })
  })
})
