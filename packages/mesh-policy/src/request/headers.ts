/**
 * The request as Envoy's filters see it: headers by lower-case name with repeated headers joined by `,`,
 * the changes earlier filters made (a removed token, claims written to headers), and the raw query.
 */
export class RequestHeaders {
  readonly query: string
  readonly #raw: readonly string[]
  #changes: Map<string, string | undefined> | undefined

  constructor (rawHeaders: readonly string[], query: string) {
    this.#raw = rawHeaders
    this.query = query
  }

  get (name: string): string | undefined {
    if (this.#changes?.has(name)) return this.#changes.get(name)
    let joined: string | undefined
    for (let i = 0; i < this.#raw.length; i += 2) {
      const key = this.#raw[i] ?? ''
      if (key.length === name.length && key.toLowerCase() === name) {
        const value = this.#raw[i + 1] ?? ''
        joined = joined === undefined ? value : `${joined},${value}`
      }
    }
    return joined
  }

  /** Records a change (undefined removes the header). */
  set (name: string, value: string | undefined): void {
    (this.#changes ??= new Map()).set(name, value)
  }

  /** The token extractor's view (TokenCarrier). */
  header (name: string): string | undefined {
    return this.get(name)
  }
}
