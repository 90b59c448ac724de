/**
 * The exports of a CommonJS package loaded with `import()` on first use (undici, the database drivers).
 * Node gives them as named exports and as `default` (module.exports); the production bundle splits such a
 * package into a chunk that only has `default`. Reading `default` works in both.
 */
export async function loadCommonJs<T extends object> (loading: Promise<T>): Promise<T> {
  const ns = await loading as T & { default?: T }
  return ns.default ?? ns
}
