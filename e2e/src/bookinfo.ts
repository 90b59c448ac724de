// The product page as a user sees it, and the login round trip through the IdP's own page.
import { expect, type Locator, type Page } from '@playwright/test'
import { idpPages, type IdpPages } from './idp.ts'
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

/** The product page and the login round trip, for one browser page against one target. */
export class Bookinfo {
  readonly page: Page
  readonly target: Target
  readonly idp: IdpPages
  readonly appOrigin: string
  readonly signInLink: Locator
  readonly signOutLink: Locator
  readonly userArea: Locator
  readonly detailsError: Locator
  readonly reviewsError: Locator
  readonly detailsHeading: Locator
  readonly reviewsHeading: Locator

  constructor (page: Page, target: Target) {
    this.page = page
    this.target = target
    this.appOrigin = new URL(target.baseUrl).origin
    this.idp = idpPages(target.idp)
    this.signInLink = page.getByRole('link', { name: 'Sign in', exact: true })
    this.signOutLink = page.getByRole('link', { name: 'sign out', exact: true })
    this.userArea = page.locator('.navbar-text').filter({ has: page.locator('.glyphicon-user') })
    this.detailsError = page.getByText('Error fetching product details', { exact: false })
    this.reviewsError = page.getByText('Error fetching product reviews', { exact: false })
    this.detailsHeading = page.getByRole('heading', { name: 'Book Details' })
    this.reviewsHeading = page.getByRole('heading', { name: 'Book Reviews' })
  }

  async open (): Promise<void> {
    const res = await this.page.goto('/productpage')
    expect(res?.status(), 'GET /productpage').toBe(200)
  }

  /** Anonymous: "Sign in", no user, and the policy denies both details and reviews. */
  async expectAnonymous (): Promise<void> {
    await expect(this.signInLink).toBeVisible()
    await expect(this.signOutLink).toHaveCount(0)
    await expect(this.userArea).toHaveCount(0)
    await expect(this.detailsError).toBeVisible()
    await expect(this.reviewsError).toBeVisible()
  }

  async expectSignedInAs (name: string): Promise<void> {
    // Exactly "<name> ( sign out )": the greeting names this persona, not merely contains its name.
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    await expect(this.userArea).toHaveText(new RegExp(`^\\s*${escaped}\\s*\\(\\s*sign out\\s*\\)\\s*$`))
    await expect(this.signOutLink).toBeVisible()
    await expect(this.signInLink).toHaveCount(0)
  }

  /** From /productpage's "Sign in" to the IdP's login form (asserts the form asks for a password). */
  async startSignIn (): Promise<void> {
    await this.signInLink.click()
    await expect(this.idp.passwordField(this.page)).toBeVisible()
    expect(new URL(this.page.url()).origin, 'the login form is served by the IdP, not productpage').not.toBe(this.appOrigin)
  }

  /** The full round trip: productpage /login → IdP form → /callback → /productpage, signed in. */
  async signIn (persona: PersonaKey): Promise<void> {
    const { login, password, displayName } = this.target.personas[persona]
    await this.open()
    await this.startSignIn()
    await this.idp.submitLogin(this.page, login, password)
    await this.idp.acceptConsentIfAsked(this.page, this.appOrigin)
    await expect(this.page).toHaveURL(`${this.appOrigin}/productpage`)
    await this.expectSignedInAs(displayName)
  }

  /** "sign out" → productpage /logout → the IdP's logout (confirmed if it asks) → /productpage. */
  async signOut (): Promise<void> {
    await this.signOutLink.click()
    const confirm = this.idp.logoutConfirm(this.page)
    await expect(this.signInLink.or(confirm)).toBeVisible()
    if (await confirm.isVisible()) await confirm.click()
    await expect(this.page).toHaveURL(`${this.appOrigin}/productpage`)
    await expect(this.signInLink).toBeVisible()
  }

  /** Statuses of productpage's API for product 0, with this browser's cookies. */
  async apiStatuses (): Promise<{ details: number, reviews: number }> {
    const details = await this.page.request.get('/api/v1/products/0', { maxRedirects: 0 })
    const reviews = await this.page.request.get('/api/v1/products/0/reviews', { maxRedirects: 0 })
    return { details: details.status(), reviews: reviews.status() }
  }

  /** The pod name after "Reviews served by:", e.g. `reviews-v3-local`. */
  async reviewsServedBy (): Promise<string> {
    const served = this.page.locator('dt', { hasText: 'Reviews served by:' }).locator('xpath=following-sibling::dd[1]')
    await expect(served).toBeVisible()
    return (await served.locator('u').first().innerText()).trim()
  }
}

export function bookinfo (page: Page, target: Target): Bookinfo {
  return new Bookinfo(page, target)
}
