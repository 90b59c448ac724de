import { describe, expect, it } from 'vitest'
import { javaBoolean, ratingsTimeoutMs } from '../src/ratings-settings.ts'

describe('javaBoolean (Boolean.valueOf)', () => {
  it.each(['true', 'TRUE', 'True', 'tRuE'])('%s → true', (value) => {
    expect(javaBoolean(value)).toBe(true)
  })
  it.each([undefined, '', 'false', '1', 'yes', 'on', ' true', 'true '])('%s → false', (value) => {
    expect(javaBoolean(value)).toBe(false)
  })
})

describe('ratingsTimeoutMs', () => {
  it('waits 10 s for black stars (reviews v2)', () => {
    expect(ratingsTimeoutMs('black')).toBe(10_000)
  })
  it.each(['red', 'Black', 'BLACK', 'blue', ''])('waits 2.5 s for any other colour: %s', (color) => {
    expect(ratingsTimeoutMs(color)).toBe(2_500)
  })
  it('prefers the explicit override', () => {
    expect(ratingsTimeoutMs('black', 200)).toBe(200)
    expect(ratingsTimeoutMs('red', 15_000)).toBe(15_000)
  })
})
