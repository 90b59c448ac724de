import type { ResourceRef } from '../types.ts'

/** A policy file this enforcer cannot apply faithfully; the message names file, resource and field. */
export class PolicyLoadError extends Error {
  override name = 'PolicyLoadError'
}

export type Obj = Record<string, unknown>

/** A position inside a resource: its reference and the field path (`spec.rules[0].from`). */
export interface At {
  ref: ResourceRef
  path: string
}

export function fail (at: At, message: string): never {
  const ns = at.ref.namespace ? `${at.ref.namespace}/` : ''
  throw new PolicyLoadError(`${at.ref.file}: ${at.ref.kind} ${ns}${at.ref.name}: ${at.path}: ${message}`)
}

export function child (at: At, key: string | number): At {
  return { ref: at.ref, path: typeof key === 'number' ? `${at.path}[${key}]` : `${at.path}.${key}` }
}

export function isObj (value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function readObj (value: unknown, at: At): Obj {
  if (value === undefined || value === null) return {}
  if (!isObj(value)) fail(at, 'must be an object')
  return value
}

/**
 * Every key must be known. Istio fields that only a mesh can evaluate are refused with the reason (a
 * policy silently half-applied is worse than none); anything else is a typo or a field from a newer API.
 */
export function checkKeys (obj: Obj, at: At, supported: readonly string[], refused: Readonly<Record<string, string>> = {}): void {
  for (const key of Object.keys(obj)) {
    if (supported.includes(key)) continue
    const reason = refused[key]
    if (reason !== undefined) fail(child(at, key), `not supported outside a mesh: ${reason}`)
    fail(child(at, key), 'unknown field')
  }
}

export function readList (value: unknown, at: At): unknown[] | undefined {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) fail(at, 'must be a list')
  return value
}

/** Each item of an optional list, read with its own path (`<at>[i]`). */
export function readEach<T> (value: unknown, at: At, read: (item: unknown, at: At) => T): T[] | undefined {
  return readList(value, at)?.map((item, i) => read(item, child(at, i)))
}

export function readString (value: unknown, at: At, what = 'a non-empty string'): string {
  if (typeof value !== 'string' || value === '') fail(at, `must be ${what}`)
  return value
}

/** A list of strings; Istio's validation refuses empty values. An empty list means "not set". */
export function readStrings (value: unknown, at: At): string[] | undefined {
  const list = readEach(value, at, (item, iat) => readString(item, iat))
  return list?.length ? list : undefined
}

export function readBoolean (value: unknown, at: At): boolean {
  if (value === undefined || value === null) return false
  if (typeof value !== 'boolean') fail(at, 'must be true or false')
  return value
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** A duration as Istio's YAML writes it (`5s`, `1.5s`, `10ms`, `1m30s`), in milliseconds; at least 1 ms. */
export function readDurationMs (value: unknown, at: At): number | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' || !/^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(value)) {
    fail(at, 'must be a duration such as "5s" or "500ms"')
  }
  let ms = 0
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(amount) * (DURATION_UNITS_MS[unit ?? 's'] ?? 0)
  if (ms < 1) fail(at, 'must be at least 1ms')
  return ms
}
