import { CookieJar } from 'tough-cookie'
import { formOf, isLoginForm, isLogoutConfirmation, type Form } from './html-forms.ts'

export { formOf, isLoginForm, isLogoutConfirmation, type Form } from './html-forms.ts'

/**
 * A browser stand-in for OIDC flows over plain HTTP: fetch with manual redirects and tough-cookie's RFC 6265
 * jar (cookies per host name, not per port, and per path; Max-Age/Expires honoured; Secure cookies kept but
 * sent over https only). It never sends Sec-Fetch-* or Origin headers unless told (like curl), records every
 * response, and drives the bundled IdP's pages (dev/idp): the login form and the logout confirmation.
 */

export interface Page {
  status: number
  headers: Headers
  body: string
  /** The URL this response came from. */
  url: URL
}

export interface Navigation {
  /** The last response (a page, or a redirect that was not followed). */
  page: Page
  /** Every URL requested, in order. */
  chain: URL[]
}

export interface NavigateOptions {
  /** Stop before requesting a URL for which this returns true (its redirect is returned instead). */
  stopBefore?: (next: URL) => boolean
  maxRedirects?: number
}

export interface Credentials {
  username: string
  password: string
}

export class OidcBrowser {
  readonly jar = new CookieJar(undefined, { rejectPublicSuffixes: false, allowSecureOnLocal: false, enforceSecureOriginOnStorage: false })
  /** Every response this browser received, in order (to check what reached the user). */
  readonly history: Page[] = []

  /** The live cookies for a URL's host, any path (expired ones are dropped; Secure ones need https). */
  #cookiesOf (url: string | URL, name?: string): Array<{ key: string, value: string, path: string }> {
    return this.jar.getCookiesSync(new URL(url).href, { allPaths: true })
      .filter((c) => name === undefined || c.key === name)
      .map((c) => ({ key: c.key, value: c.value, path: c.path ?? '/' }))
  }

  /** A cookie's value for a URL's host, whatever its path; undefined when absent. */
  cookie (url: string | URL, name: string): string | undefined {
    return this.#cookiesOf(url, name)[0]?.value
  }

  /** The names of the cookies held for a URL's host, whatever their path. */
  cookieNames (url: string | URL): string[] {
    return [...new Set(this.#cookiesOf(url).map((c) => c.key))]
  }

  /** Stores a host-only, HttpOnly cookie, as if `url` had set it. */
  setCookie (url: string | URL, name: string, value: string, path = '/'): void {
    this.jar.setCookieSync(`${name}=${value}; Path=${path}; HttpOnly`, new URL(url).href)
  }

  /** Forgets every cookie of that name for the URL's host. */
  deleteCookie (url: string | URL, name: string): void {
    for (const c of this.#cookiesOf(url, name)) this.jar.setCookieSync(`${name}=; Path=${c.path}; Max-Age=0`, new URL(url).href)
  }

  /** The Cookie header a browser would send to `url`. */
  cookieHeader (url: URL): string {
    return this.jar.getCookieStringSync(url.href)
  }

  /** One request, no redirect followed; cookies sent and stored; the body read as text. */
  async request (url: string | URL, init: RequestInit = {}): Promise<Page> {
    const target = new URL(url)
    const headers = new Headers(init.headers)
    const cookie = this.cookieHeader(target)
    if (cookie !== '' && !headers.has('cookie')) headers.set('cookie', cookie)
    const res = await fetch(target, { ...init, headers, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) this.jar.setCookieSync(line, target.href, { ignoreError: true })
    const page = { status: res.status, headers: res.headers, body: await res.text(), url: target }
    this.history.push(page)
    return page
  }

  /** Requests `url` and follows redirects (any host) until a page that is not a redirect. */
  async navigate (url: string | URL, init: RequestInit = {}, opts: NavigateOptions = {}): Promise<Navigation> {
    let current = new URL(url)
    const chain = [current]
    let page = await this.request(current, init)
    for (let hops = 0; hops < (opts.maxRedirects ?? 20); hops++) {
      const location = page.headers.get('location')
      if (page.status < 300 || page.status >= 400 || location === null) return { page, chain }
      const next = new URL(location, current)
      if (opts.stopBefore?.(next) === true) return { page, chain }
      current = next
      chain.push(current)
      page = await this.request(current)
    }
    throw new Error(`too many redirects: ${chain.map(String).join(' → ')}`)
  }

  /** Like navigate, but stops at the first redirect that leaves `origin` (e.g. the IdP's redirect to a client). */
  async navigateWithin (url: string | URL, origin: string, init: RequestInit = {}): Promise<Navigation> {
    const allowed = new URL(origin).origin
    return this.navigate(url, init, { stopBefore: (next) => next.origin !== allowed })
  }

  /** Posts a form-encoded body, no redirect followed. */
  async post (url: string | URL, form: Record<string, string>): Promise<Page> {
    return this.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() })
  }

  /** Submits a form (its hidden fields plus `values`) as a browser would, then follows redirects. */
  async submit (form: Form, values: Record<string, string> = {}, opts: NavigateOptions = {}): Promise<Navigation> {
    return this.navigate(form.action, {
      method: form.method,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, ...values }).toString(),
    }, opts)
  }

  /**
   * Starts at `loginUrl` (productpage's /login), fills the IdP's login form with `credentials` and
   * follows everything back to the application. Throws when no login form shows up (use `navigate` to
   * test single sign-on, where none does).
   */
  async signIn (loginUrl: string | URL, credentials: Credentials, opts: NavigateOptions = {}): Promise<Navigation> {
    const start = await this.navigate(loginUrl, {}, opts)
    if (!isLoginForm(start.page)) throw new Error(`expected the IdP login form, got ${start.page.status} at ${start.page.url.href}:\n${start.page.body.slice(0, 500)}`)
    const done = await this.submit(formOf(start.page), { username: credentials.username, password: credentials.password }, opts)
    return { page: done.page, chain: [...start.chain, ...done.chain] }
  }

  /**
   * Follows a sign-out from the application; when the IdP asks to confirm (its OIDC end-session page),
   * confirms as the user would by clicking "Log out".
   */
  async signOut (logoutUrl: string | URL, init: RequestInit = {}): Promise<Navigation> {
    const start = await this.navigate(logoutUrl, init)
    if (!isLogoutConfirmation(start.page)) return start
    const done = await this.submit(formOf(start.page), { logout: 'yes' })
    return { page: done.page, chain: [...start.chain, ...done.chain] }
  }
}
