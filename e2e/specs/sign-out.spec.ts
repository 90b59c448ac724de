import { API_MATRIX } from '../src/bookinfo.ts'
import { expect, test } from '../src/fixtures.ts'

test.describe('sign-out', { tag: '@sign-out' }, () => {
  test('returns to an anonymous page', async ({ app }) => {
    await app.signIn('mod')
    await expect(app.reviewsHeading).toBeVisible()
    await app.signOut()
    await app.expectAnonymous()
    expect(await app.apiStatuses()).toEqual(API_MATRIX.anonymous)
  })

  test('Back after sign-out does not restore access', async ({ app, page }) => {
    await app.signIn('mod')
    await expect(app.reviewsHeading).toBeVisible()
    await app.signOut()

    // Walk the whole history back (signed-in page, IdP pages, the first anonymous page): no entry of
    // productpage may show the signed-in user or the reviews again.
    let productpageEntries = 0
    for (let step = 0; step < 10; step++) {
      const response = await page.goBack()
      if (response === null && !/^https?:/.test(page.url())) break
      if (new URL(page.url()).origin !== app.appOrigin) continue
      productpageEntries++
      await expect(app.signOutLink, `Back step ${step + 1}: ${page.url()}`).toHaveCount(0)
      await expect(app.reviewsHeading).toHaveCount(0)
      await expect(app.signInLink).toBeVisible()
    }
    // The signed-in page and the anonymous one before it were both revisited.
    expect(productpageEntries).toBeGreaterThanOrEqual(2)

    await app.open()
    await app.expectAnonymous()
    expect(await app.apiStatuses()).toEqual(API_MATRIX.anonymous)
  })

  test('signing in again asks for the password', async ({ app, target }) => {
    await app.signIn('user')
    await app.signOut()
    // The IdP session ended with productpage's: the next sign-in shows the form instead of a silent redirect.
    await app.startSignIn()
    await app.idp.submitLogin(app.page, target.personas.user.login, target.personas.user.password)
    await expect(app.page).toHaveURL(`${app.appOrigin}/productpage`)
    await app.expectSignedInAs(target.personas.user.displayName)
  })
})
