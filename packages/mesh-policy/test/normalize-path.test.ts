// Envoy's path normalisation (normalize_path, Istio's default BASE option): its own test pairs
// (envoyproxy/envoy test/common/http/path_utility_test.cc) and the examples of Istio's normalization page.
import { describe, expect, it } from 'vitest'
import { canonicalPath, normalizeTarget } from '../src/index.ts'

describe('canonicalPath', () => {
  it.each([
    ['/a/b/../c', '/a/c'], ['/a/b/./c', '/a/b/c'], ['/a/b/../../../../c', '/c'], ['/a/..\\c', '/c'],
    ['/%c0%af', '/%c0%af'], ['/%5c%25', '/%5c%25'], ['/a/b/%2E%2E/c', '/a/c'], ['/A/B/C', '/A/B/C'],
    ['/a/b/%2e%2e/c', '/a/c'], ['/a/%2F%2f/c', '/a/%2F%2f/c'],
  ])('Envoy: %s → %s', (input, output) => {
    expect(canonicalPath(input)).toBe(output)
  })

  it.each(['/xyz/.%00../abc', '/xyz/%00.%00./abc', '/xyz/AAAAA%%0000/abc'])('Envoy refuses %s', (input) => {
    expect(canonicalPath(input)).toBeUndefined()
  })

  it.each([
    ['/some%2fdata/%61%62%63', '/some%2fdata/abc'], ['/some\\data', '/some/data'], ['/some//data///abc', '/some//data///abc'],
    ['/public/./data/abc/../xyz', '/public/data/xyz'], ['/%2d%5f%7e%30%39', '/-_~09'],
  ])('Istio BASE: %s → %s (escaped slashes kept, slashes not merged)', (input, output) => {
    expect(canonicalPath(input)).toBe(output)
  })

  it.each([
    ['/a/.', '/a/'], ['/a/..', '/'], ['/..', '/'], ['/a/%2e', '/a/'], ['/a..b', '/a..b'], ['/.well-known/x', '/.well-known/x'],
    ['/a b', '/a%20b'], ['/a"b<c>', '/a%22b%3Cc%3E'], ['/a{b}|^`', '/a%7Bb%7D%7C%5E%60'], ['/a%zz', '/a%zz'], ['/detail%73/0', '/details/0'],
  ])('%s → %s', (input, output) => {
    expect(canonicalPath(input)).toBe(output)
  })

  it('returns already-canonical paths unchanged (the fast path)', () => {
    const path = '/api/v1/products/0/reviews'
    expect(canonicalPath(path)).toBe(path)
  })
})

describe('normalizeTarget', () => {
  it('normalises the path and leaves the query as sent', () => {
    expect(normalizeTarget('/a/../b?x=/../%2e&access_token=t')).toEqual({ ok: true, path: '/b', query: 'x=/../%2e&access_token=t' })
  })

  it.each(['*', 'http://127.0.0.1/health', '/a#fragment', '/%00'])('refuses %s (Envoy answers 400)', (url) => {
    expect(normalizeTarget(url)).toEqual({ ok: false })
  })
})
