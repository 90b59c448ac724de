export const RATINGS_UNAVAILABLE = 'Ratings service is currently unavailable'

export type Rating = { stars: number, color: string } | { error: string }

export interface Review {
  reviewer: string
  text: string
  rating?: Rating
}

export interface ReviewsBody {
  /** A string, as upstream's hand-built JSON wrote it (contract §11 #5). */
  id: string
  podname: string
  clustername: string
  reviews: Review[]
}

const REVIEWS = [
  { reviewer: 'Reviewer1', text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!' },
  { reviewer: 'Reviewer2', text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.' },
] as const

export interface ReviewsInput {
  id: number
  podName: string
  clusterName: string
  /**
   * undefined: ratings disabled (v1), no `rating` keys at all.
   * Otherwise the `ratings` object of the ratings answer, or null when the call failed.
   */
  ratings: Record<string, unknown> | null | undefined
  starColor: string
}

/** The reviews object. A reviewer whose stars are missing or not an integer gets the per-review error. */
export function reviewsBody ({ id, podName, clusterName, ratings, starColor }: ReviewsInput): ReviewsBody {
  return {
    id: String(id),
    podname: podName,
    clustername: clusterName,
    reviews: REVIEWS.map(({ reviewer, text }) => {
      if (ratings === undefined) return { reviewer, text }
      const stars = ratings?.[reviewer]
      const rating: Rating = typeof stars === 'number' && Number.isSafeInteger(stars)
        ? { stars, color: starColor }
        : { error: RATINGS_UNAVAILABLE }
      return { reviewer, text, rating }
    }),
  }
}
