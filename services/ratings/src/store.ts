/** Ratings by reviewer name, as POSTed (values are star counts 0..5). */
export type Ratings = Record<string, number>

/**
 * POSTed ratings per product id, in memory as upstream (lost on restart), but bounded: past `maxIds`
 * ids the least recently written is dropped, so a client cannot grow the process without limit.
 */
export class RatingsStore {
  readonly #maxIds: number
  readonly #byId = new Map<number, Ratings>()

  constructor (maxIds: number) {
    this.#maxIds = maxIds
  }

  get (id: number): Ratings | undefined {
    return this.#byId.get(id)
  }

  set (id: number, ratings: Ratings): void {
    // Delete first so a rewrite moves the id to the newest end of the Map's insertion order.
    this.#byId.delete(id)
    this.#byId.set(id, ratings)
    if (this.#byId.size > this.#maxIds) {
      const oldest = this.#byId.keys().next().value
      if (oldest !== undefined) this.#byId.delete(oldest)
    }
  }

  get size (): number {
    return this.#byId.size
  }
}
