import { isRecord } from '@bookinfo/service-kit'
import type { BackendResult } from './backends.ts'
import { UNAVAILABLE } from './products.ts'

/** What the product page template receives: plain strings and lists, no backend JSON. */
export interface DetailsBlock { ok: true, fields: Array<{ label: string, value: string }> }
export interface ErrorBlock { ok: false, error: string }
export interface StarsView { color: string, filled: number[], empty: number[] }
export interface ReviewView { reviewer: string, text: string, stars?: StarsView, ratingError?: true }
export interface ReviewsBlock { ok: true, reviews: ReviewView[], podname: string, clustername?: string }

// Labels of the legacy template's <dl>, in its order, with the details key each shows.
const DETAIL_FIELDS: Array<[label: string, key: string]> = [
  ['Type', 'type'],
  ['Pages', 'pages'],
  ['Publisher', 'publisher'],
  ['Language', 'language'],
  ['ISBN-10', 'ISBN-10'],
  ['ISBN-13', 'ISBN-13'],
]

// A colour becomes part of an attribute and a class name: anything unusual falls back to black.
const COLOR_PATTERN = /^[A-Za-z0-9#]{1,32}$/

export function detailsBlock (result: BackendResult): DetailsBlock | ErrorBlock {
  if (!result.ok || !isRecord(result.body)) return { ok: false, error: UNAVAILABLE.details }
  const body = result.body
  return { ok: true, fields: DETAIL_FIELDS.map(([label, key]) => ({ label, value: text(body[key]) })) }
}

export function reviewsBlock (result: BackendResult): ReviewsBlock | ErrorBlock {
  if (!result.ok || !isRecord(result.body)) return { ok: false, error: UNAVAILABLE.reviews }
  const body = result.body
  const list = Array.isArray(body.reviews) ? body.reviews : []
  const clustername = text(body.clustername)
  return {
    ok: true,
    reviews: list.filter(isRecord).map(reviewView),
    podname: text(body.podname),
    // Upstream reviews sends the string "null" when CLUSTER_NAME is unset.
    ...(clustername !== '' && clustername !== 'null' ? { clustername } : {}),
  }
}

function reviewView (review: Record<string, unknown>): ReviewView {
  const view: ReviewView = { reviewer: text(review.reviewer), text: text(review.text) }
  const rating = review.rating
  if (!isRecord(rating)) return view // reviews v1: no rating, nothing rendered
  // The fixed text, whatever reviews wrote: it is what the fault-injection task greps for.
  if (rating.error !== undefined) return { ...view, ratingError: true }
  const stars = rating.stars
  // 0 (ratings v2 with a missing row) renders nothing, as upstream; out-of-range counts are clamped.
  if (typeof stars !== 'number' || !Number.isFinite(stars) || stars < 1) return view
  const filled = Math.min(5, Math.round(stars))
  const color = typeof rating.color === 'string' && COLOR_PATTERN.test(rating.color) ? rating.color : 'black'
  return { ...view, stars: { color, filled: range(filled), empty: range(5 - filled) } }
}

function range (n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
}

function text (value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : ''
}
