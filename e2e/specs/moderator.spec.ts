import { API_MATRIX, STAR_COLOURS } from '../src/bookinfo.ts'
import { expect, test } from '../src/fixtures.ts'

test.describe('mod@bookinfo.com', { tag: '@moderator' }, () => {
  test('signs in, sees Book Details and Book Reviews with stars in the served version\'s colour', async ({ app, page, target }) => {
    await app.signIn('mod')
    await expect(app.detailsHeading).toBeVisible()
    await expect(app.reviewsHeading).toBeVisible()
    await expect(app.detailsError).toHaveCount(0)
    await expect(app.reviewsError).toHaveCount(0)

    const pod = await app.reviewsServedBy()
    const version = /^reviews-(v[123])\b/.exec(pod)?.[1]
    expect(version, `"Reviews served by: ${pod}" names a reviews version`).toBeDefined()
    // The local stack serves v3; other targets may balance over all three (the colour follows the pod).
    if (target.kind === 'local') expect(version).toBe('v3')

    const reviews = page.locator('blockquote')
    await expect(reviews).not.toHaveCount(0)
    const colour = STAR_COLOURS[version ?? '']
    const stars = page.locator('blockquote .glyphicon-star, blockquote .glyphicon-star-empty')
    if (colour === undefined) {
      await expect(stars).toHaveCount(0)
      return
    }
    await expect(page.getByText('Ratings service is currently unavailable')).toHaveCount(0)
    for (const review of await reviews.all()) {
      // Five symbols per rated review, at least one of them filled, all drawn in the version's colour.
      await expect(review.locator('.glyphicon-star, .glyphicon-star-empty')).toHaveCount(5)
      await expect(review.locator('.glyphicon-star').first()).toBeVisible()
      for (const star of await review.locator('.glyphicon-star, .glyphicon-star-empty').all()) {
        await expect(star).toHaveCSS('color', colour)
      }
    }
  })

  test('the API answers as the authorization matrix says for a moderator (200/200)', async ({ app }) => {
    await app.signIn('mod')
    expect(await app.apiStatuses()).toEqual(API_MATRIX.moderator)
  })
})
