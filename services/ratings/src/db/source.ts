/** The first two stored ratings (row/doc 0 → Reviewer1, 1 → Reviewer2), or why they could not be read. */
export type LoadResult =
  | { kind: 'ok', stars: [number, number] }
  | { kind: 'connect-failed', cause: unknown }
  | { kind: 'query-failed', cause: unknown }

/** A database behind ratings v2. Failures are values; `close` releases every connection (app close). */
export interface RatingsSource {
  load: () => Promise<LoadResult>
  close: () => Promise<void>
}

/** Upstream read `rows[i].Rating` / `docs[i].rating`; a missing row, NULL or non-integer counts as 0 stars. */
export function starsOf (values: unknown[]): [number, number] {
  const at = (i: number) => (Number.isInteger(values[i]) ? values[i] as number : 0)
  return [at(0), at(1)]
}
