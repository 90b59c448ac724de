/**
 * The request headers as Envoy's filters see them: repeated headers joined with `,`, names compared
 * without case, and the changes earlier filters made (a removed token, claims written to headers).
 */
export interface HeaderView {
  get: (name: string) => string | undefined
  /** Records a change (undefined removes the header). */
  set: (name: string, value: string | undefined) => void
}

export function headerView (rawHeaders: readonly string[]): HeaderView {
  const changes = new Map<string, string | undefined>()
  return {
    get (name) {
      if (changes.has(name)) return changes.get(name)
      let joined: string | undefined
      for (let i = 0; i < rawHeaders.length; i += 2) {
        const key = rawHeaders[i] ?? ''
        if (key.length === name.length && key.toLowerCase() === name) {
          const value = rawHeaders[i + 1] ?? ''
          joined = joined === undefined ? value : `${joined},${value}`
        }
      }
      return joined
    },
    set (name, value) {
      changes.set(name, value)
    },
  }
}
