// Drivers for the IdP's own pages (login form, its error, logout confirmation): the only part of the
// suite that differs between the bundled IdP and an Auth0 tenant's Universal Login.
import { expect, type Locator, type Page } from '@playwright/test'
import type { IdpKind } from './target.ts'

export interface IdpPages {
  /** The login form's password field (visible once the IdP asks for the password). */
  passwordField: (page: Page) => Locator
  /** Fills and submits the form; for an identifier-first page, in two steps. */
  submitLogin: (page: Page, login: string, password: string) => Promise<void>
  /** The IdP's "wrong credentials" message. */
  loginError: (page: Page) => Locator
  /** After a successful login, an IdP may ask for consent (Auth0 does on localhost callbacks). */
  acceptConsentIfAsked: (page: Page, appOrigin: string) => Promise<void>
  /** The IdP's logout confirmation, when it shows one, or undefined. */
  logoutConfirm: (page: Page) => Locator
}

/** dev/idp: one form (`username`, `password`, "Log in"), 401 + "Wrong email or password." on failure. */
const bundled: IdpPages = {
  passwordField: (page) => page.getByLabel('Password', { exact: true }),
  submitLogin: async (page, login, password) => {
    await page.getByLabel('Email or username').fill(login)
    await page.getByLabel('Password', { exact: true }).fill(password)
    await page.getByRole('button', { name: 'Log in' }).click()
  },
  loginError: (page) => page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }),
  acceptConsentIfAsked: async () => {},
  logoutConfirm: (page) => page.getByRole('button', { name: 'Log out' }),
}

/**
 * Auth0 Universal Login (the current experience): `#username` and `#password`, primary submit button
 * `name=action value=default`; identifier-first tenants show the password on a second screen. Written from
 * Auth0's documented page structure; it cannot be exercised from this repository's CI (no tenant).
 */
const auth0: IdpPages = {
  passwordField: (page) => page.locator('input#password'),
  submitLogin: async (page, login, password) => {
    const submit = page.locator('button[type=submit][name=action][value=default]')
    await page.locator('input#username').fill(login)
    const passwordField = page.locator('input#password')
    if (!await passwordField.isVisible()) {
      await submit.click()
      await expect(passwordField).toBeVisible()
    }
    await passwordField.fill(password)
    await submit.click()
  },
  loginError: (page) => page.locator('#error-element-password, #error-element-username, .ulp-input-error-message, #prompt-alert')
    .filter({ hasText: /wrong (email|username) or password/i }),
  acceptConsentIfAsked: async (page, appOrigin) => {
    // Auth0 asks a first-party app for consent only on localhost callbacks; then "Accept" goes on.
    const accept = page.locator('button[type=submit][name=action][value=accept]')
    await page.waitForURL((url) => url.origin === appOrigin || url.pathname.includes('/consent'))
    if (new URL(page.url()).origin !== appOrigin) await accept.click()
  },
  logoutConfirm: (page) => page.getByRole('button', { name: /log ?out|continue|yes/i }),
}

export function idpPages (kind: IdpKind): IdpPages {
  return kind === 'auth0' ? auth0 : bundled
}
