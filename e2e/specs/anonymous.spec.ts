import { API_MATRIX } from '../src/bookinfo.ts'
import { expect, test } from '../src/fixtures.ts'

test.describe('anonymous', { tag: '@anonymous' }, () => {
  test('the product page renders with Sign in, and the policy denies details and reviews', async ({ app, page }) => {
    await app.open()
    await expect(page).toHaveTitle('Simple Bookstore App')
    await expect(page.getByRole('heading', { name: 'The Comedy of Errors' })).toBeVisible()
    await app.expectAnonymous()
    await expect(app.detailsHeading).toHaveCount(0)
    await expect(app.reviewsHeading).toHaveCount(0)
  })

  test('the API answers as the authorization matrix says for anonymous (403/403)', async ({ app }) => {
    await app.open()
    expect(await app.apiStatuses()).toEqual(API_MATRIX.anonymous)
  })
})
