import { API_MATRIX } from '../src/bookinfo.ts'
import { capturedTokens, expect, test } from '../src/fixtures.ts'

test.describe('user@bookinfo.com', { tag: '@user' }, () => {
  test('signs in through the IdP, is greeted by name, sees Book Details and the reviews error', async ({ app, target }) => {
    await app.signIn('user')
    await expect(app.detailsHeading).toBeVisible()
    await expect(app.page.getByText('ISBN-10')).toBeVisible()
    await expect(app.reviewsError).toBeVisible()
    await expect(app.reviewsHeading).toHaveCount(0)
    await expect(app.detailsError).toHaveCount(0)
    if (target.kind === 'local') {
      // The leak checks search for these very tokens: make sure there are some to search for.
      expect((await capturedTokens(target)).length, 'tokens productpage received on the back channel').toBeGreaterThan(0)
    }
  })

  test('the API answers as the authorization matrix says for a user (200/403)', async ({ app }) => {
    await app.signIn('user')
    expect(await app.apiStatuses()).toEqual(API_MATRIX.user)
  })
})
