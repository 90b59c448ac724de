// The product page as a user sees it, and the login round trip through the IdP's own page.
import { expect, type Page } from '@playwright/test'
import { idpPages } from './idp.ts'
import type { PersonaKey, Target } from './target.ts'

export type Persona = 'anonymous' | 'user' | 'moderator'

/** The authorization matrix seen through productpage's API (packages/mesh-policy/README.md). */
export const API_MATRIX: Record<Persona, { details: number, reviews: number }> = {
  anonymous: { details: 403, reviews: 403 },
  user: { details: 200, reviews: 403 },
  moderator: { details: 200, reviews: 200 },
}

/** Star colour per reviews version, as upstream: v1 none, v2 black, v3 red. */
export const STAR_COLOURS: Record<string, string | undefined> = { v1: undefined, v2: 'rgb(0, 0, 0)', v3: 'rgb(255, 0, 0)' }

export function bookinfo (page: Page, target: Target) {
  const appOrigin = new URL(target.baseUrl).origin
  const idp = idpPages(target.idp)
  const signInLink = page.getByRole('link', { name: 'Sign in', exact: true })
  const signOutLink = page.getByRole('link', { name: 'sign out', exact: true })
  const userArea = page.locator('.navbar-text').filter({ has: page.locator('.glyphicon-user') })
  const detailsError = page.getByText('Error fetching product details', { exact: false })
  const reviewsError = page.getByText('Error fetching product reviews', { exact: false })
  const detailsHeading = page.getByRole('heading', { name: 'Book Details' })
  const reviewsHeading = page.getByRole('heading', { name: 'Book Reviews' })

  const open = async (): Promise<void> => {
    const res = await page.goto('/productpage')
    expect(res?.status(), 'GET /productpage').toBe(200)
  }

  /** Anonymous: "Sign in", no user, and the policy denies both details and reviews. */
  const expectAnonymous = async (): Promise<void> => {
    await expect(signInLink).toBeVisible()
    await expect(signOutLink).toHaveCount(0)
    await expect(userArea).toHaveCount(0)
    await expect(detailsError).toBeVisible()
    await expect(reviewsError).toBeVisible()
  }

  const expectSignedInAs = async (name: string): Promise<void> => {
    // Exactly "<name> ( sign out )": the greeting names this persona, not merely contains its name.
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    await expect(userArea).toHaveText(new RegExp(`^\\s*${escaped}\\s*\\(\\s*sign out\\s*\\)\\s*$`))
    await expect(signOutLink).toBeVisible()
    await expect(signInLink).toHaveCount(0)
  }

  /** From /productpage's "Sign in" to the IdP's login form (asserts the form asks for a password). */
  const startSignIn = async (): Promise<void> => {
    await signInLink.click()
    await expect(idp.passwordField(page)).toBeVisible()
    expect(new URL(page.url()).origin, 'the login form is served by the IdP, not productpage').not.toBe(appOrigin)
  }

  /** The full round trip: productpage /login → IdP form → /callback → /productpage, signed in. */
  const signIn = async (persona: PersonaKey): Promise<void> => {
    const { login, password, displayName } = target.personas[persona]
    await open()
    await startSignIn()
    await idp.submitLogin(page, login, password)
    await idp.acceptConsentIfAsked(page, appOrigin)
    await expect(page).toHaveURL(`${appOrigin}/productpage`)
    await expectSignedInAs(displayName)
  }

  /** "sign out" → productpage /logout → the IdP's logout (confirmed if it asks) → /productpage. */
  const signOut = async (): Promise<void> => {
    await signOutLink.click()
    const confirm = idp.logoutConfirm(page)
    await expect(signInLink.or(confirm)).toBeVisible()
    if (await confirm.isVisible()) await confirm.click()
    await expect(page).toHaveURL(`${appOrigin}/productpage`)
    await expect(signInLink).toBeVisible()
  }

  /** Statuses of productpage's API for product 0, with this browser's cookies. */
  const apiStatuses = async (): Promise<{ details: number, reviews: number }> => {
    const details = await page.request.get('/api/v1/products/0', { maxRedirects: 0 })
    const reviews = await page.request.get('/api/v1/products/0/reviews', { maxRedirects: 0 })
    return { details: details.status(), reviews: reviews.status() }
  }

  /** The pod name after "Reviews served by:", e.g. `reviews-v3-local`. */
  const reviewsServedBy = async (): Promise<string> => {
    const served = page.locator('dt', { hasText: 'Reviews served by:' }).locator('xpath=following-sibling::dd[1]')
    await expect(served).toBeVisible()
    return (await served.locator('u').first().innerText()).trim()
  }

  return {
    page,
    idp,
    appOrigin,
    signInLink,
    signOutLink,
    userArea,
    detailsError,
    reviewsError,
    detailsHeading,
    reviewsHeading,
    open,
    expectAnonymous,
    expectSignedInAs,
    startSignIn,
    signIn,
    signOut,
    apiStatuses,
    reviewsServedBy,
  }
}

export type Bookinfo = ReturnType<typeof bookinfo>
