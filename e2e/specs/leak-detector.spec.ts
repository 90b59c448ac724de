// The leak checks pass only if they can fail: they must find what they are looking for.
import { expect, test } from '@playwright/test'
import { describeJwt, findLeaks, JWT_PATTERN } from '../src/leaks.ts'

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const accessToken = `${b64({ alg: 'RS256', typ: 'at+jwt' })}.${b64({ sub: 'auth0|x', permissions: ['read:book-details'] })}.${'s'.repeat(40)}`
const idToken = `${b64({ alg: 'RS256' })}.${b64({ sub: 'auth0|x', nonce: 'n' })}.${'t'.repeat(40)}`

test.describe('leak detector', { tag: '@harness' }, () => {
  test('finds JWTs in text and names their kind without repeating them', () => {
    const line = `{"msg":"request","headers":{"authorization":"Bearer ${accessToken}"},"id":"${idToken}"}`
    const leaks = findLeaks('log x.log', line, [])
    expect(leaks.map((l) => l.what)).toEqual([
      `an access token (eyJhbG…, ${accessToken.length} chars)`,
      `an ID token (eyJhbG…, ${idToken.length} chars)`,
    ])
    expect(leaks.map((l) => l.what).join(' ')).not.toContain(accessToken)
    expect(describeJwt(`${b64({ alg: 'HS256', typ: 'bookinfo-peer+jwt' })}.${b64({})}.`)).toMatch(/^a JWT \(typ bookinfo-peer\+jwt\)/)
  })

  test('finds a captured token verbatim, or only its signature, or an opaque refresh token', () => {
    const signature = accessToken.split('.')[2] ?? ''
    const refresh = 'opaque-refresh-token-value-123456'
    expect(findLeaks('html', `token=${signature};`, [accessToken]).map((l) => l.what))
      .toEqual(['the signature of a token productpage received'])
    expect(findLeaks('html', `r=${refresh}`, [refresh])).toHaveLength(1)
    expect(findLeaks('html', 'nothing to see, eyJ alone is not a token', [accessToken, refresh])).toEqual([])
  })

  test('the JWT pattern takes whole tokens, unsigned ones included, and nothing with fewer than three parts', () => {
    const unsigned = `${b64({ alg: 'none' })}.${b64({ sub: 'auth0|x', permissions: ['read:book-reviews'] })}.`
    const twoParts = `${b64({ alg: 'RS256' })}.${b64({ sub: 'x' })}`
    const line = `/cb?t=${accessToken}&u="${unsigned}" ${twoParts} eyJhbGciOiJSUzI1NiJ9 done`
    expect(line.match(JWT_PATTERN)).toEqual([accessToken, unsigned])
    expect(findLeaks('log x.log', line, []).map((l) => l.what)).toEqual([
      `an access token (eyJhbG…, ${accessToken.length} chars)`,
      `an access token (eyJhbG…, ${unsigned.length} chars)`,
    ])
  })
})
