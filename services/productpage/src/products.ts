export interface Product {
  id: number
  title: string
  /** Trusted, static HTML: rendered unescaped on the page. */
  descriptionHtml: string
}

/** The one product upstream sells (contract §5.2), keys in upstream's order. */
export const PRODUCTS: readonly Product[] = [
  {
    id: 0,
    title: 'The Comedy of Errors',
    descriptionHtml: '<a href="https://en.wikipedia.org/wiki/The_Comedy_of_Errors">Wikipedia Summary</a>: The Comedy of Errors is one of <b>William Shakespeare\'s</b> early plays. It is his shortest and one of his most farcical comedies, with a major part of the humour coming from slapstick and mistaken identity, in addition to puns and word play.',
  },
]

/** Error texts of the API and the page, per backend (contract §5.2, §5.4). */
export const UNAVAILABLE = {
  details: 'Sorry, product details are currently unavailable for this book.',
  reviews: 'Sorry, product reviews are currently unavailable for this book.',
  ratings: 'Sorry, product ratings are currently unavailable for this book.',
} as const
