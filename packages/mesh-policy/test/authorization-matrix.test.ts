// The authorization matrix of the READMEs: computed from the repository's istio/security YAML through the
// plugin (matrix/compute.ts), compared with the answers we expect (below), and with both READMEs.
import { readFile } from 'node:fs/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { computeMatrix, renderMatrixMarkdown, type MatrixRow, type Persona } from './matrix/compute.ts'

/** Every persona whose token fails RequestAuthentication (namespace-wide, so on every workload). */
const INVALID = { expired: 401, otherIssuer: 401, tampered: 401, algNone: 401, wrongAudience: 403 } as const

const expect3 = (anonymous: number, user: number, moderator: number): Record<Persona, number> => ({ anonymous, user, moderator, ...INVALID })

const EXPECTED: Record<string, Record<Persona, number>> = {
  'productpage /productpage': expect3(200, 200, 200),
  'productpage /api/v1/products/0': expect3(200, 200, 200),
  'productpage /health': expect3(200, 200, 200),
  'productpage /metrics': expect3(200, 200, 200),
  'details /details/0': expect3(403, 200, 200),
  'details /health': expect3(200, 200, 200),
  'details /metrics': expect3(200, 200, 200),
  'reviews /reviews/0': expect3(403, 403, 200),
  'reviews /health': expect3(200, 200, 200),
  'reviews /metrics': expect3(200, 200, 200),
  'ratings /ratings/0 bookinfo-reviews': expect3(403, 403, 200),
  'ratings /ratings/0 bookinfo-productpage': expect3(403, 403, 403),
  'ratings /ratings/0': expect3(403, 403, 403),
  'ratings /health': expect3(200, 200, 200),
  'ratings /metrics': expect3(200, 200, 200),
}

let rows: MatrixRow[]
beforeAll(async () => { rows = await computeMatrix() })

describe('authorization matrix (istio/security through the plugin)', () => {
  it('every persona gets the expected status from every endpoint (a wrong audience is 403, as in Istio)', () => {
    const actual = Object.fromEntries(rows.map((r) => [[r.service, r.path, r.peer].filter(Boolean).join(' '), r.status]))
    expect(actual).toEqual(EXPECTED)
  })

  it.each(['../README.md', '../../../README.md'])('%s shows the computed table', async (path) => {
    const readme = await readFile(new URL(path, import.meta.url), 'utf8')
    expect(readme).toContain(renderMatrixMarkdown(rows))
  })
})
