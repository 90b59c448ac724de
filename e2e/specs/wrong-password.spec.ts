import { API_MATRIX } from '../src/bookinfo.ts'
import { expect, test } from '../src/fixtures.ts'

test.describe('wrong password', { tag: '@wrong-password' }, () => {
  test('stays on the IdP page with an error and leaves productpage anonymous', async ({ app, page, target }) => {
    const { login } = target.personas.user
    await app.open()
    await app.startSignIn()
    const loginPage = page.url()
    await app.idp.submitLogin(page, login, 'not-the-password')

    await expect(app.idp.loginError(page)).toBeVisible()
    await expect(app.idp.passwordField(page)).toBeVisible()
    expect(new URL(page.url()).origin, 'still on the IdP').toBe(new URL(loginPage).origin)

    // No session came of it: productpage is anonymous, its API too.
    await app.open()
    await app.expectAnonymous()
    expect(await app.apiStatuses()).toEqual(API_MATRIX.anonymous)
  })
})
