import { OidcBrowser } from '@bookinfo/test-helpers/oidc-browser'
import type { Persona } from './personas.ts'

/** What one persona session saw: the status of every request, by what it asked for. */
export interface SessionResult {
  persona: string
  statuses: Array<{ request: string, status: number }>
  error?: string
}

/** The page and the two API calls a browser session makes per page view (details and reviews behind them). */
export const PAGE_REQUESTS = ['/productpage', '/api/v1/products/0', '/api/v1/products/0/reviews'] as const

/**
 * One browser session: sign in through productpage's real login (the IdP's form), view the page `pages`
 * times, sign out. A fresh cookie jar each time, dropped afterwards, so memory stays flat however long it runs.
 */
export async function runSession (target: string, persona: Persona, pages: number): Promise<SessionResult> {
  const browser = new OidcBrowser()
  const result: SessionResult = { persona: persona.name, statuses: [] }
  const record = (request: string, status: number): void => { result.statuses.push({ request, status }) }
  try {
    if (persona.credentials !== undefined) {
      const login = await browser.signIn(`${target}/login`, persona.credentials)
      record('login', login.page.status)
    }
    for (let view = 0; view < pages; view++) {
      for (const path of PAGE_REQUESTS) record(path, (await browser.request(`${target}${path}`)).status)
    }
    if (persona.credentials !== undefined) record('logout', (await browser.signOut(`${target}/logout`)).page.status)
  } catch (error) {
    // Only the message: a page body could hold a login form, never a token, but keep output small anyway.
    result.error = (error as Error).message.split('\n', 1)[0]
  }
  return result
}
