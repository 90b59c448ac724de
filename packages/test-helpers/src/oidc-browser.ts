/**
 * A browser stand-in for OIDC flows over plain HTTP: fetch with manual redirects and a cookie jar that
 * keeps cookies per host name (as browsers do: not per port) and per path, honours Max-Age/Expires
 * deletions, and never sends Sec-Fetch-* or Origin headers unless told (like curl). It follows the bundled
 * IdP's pages (dev/idp): the login form (`username`, `password`) and the logout confirmation.
 */

export interface StoredCookie {
  value: string
  path: string
  secure: boolean
  httpOnly: boolean
  sameSite?: string
  /** ms since the epoch; undefined for a browser-session cookie. */
  expires?: number
}

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

export interface Form {
  action: URL
  method: string
  /** Hidden inputs and inputs with a value. */
  fields: Record<string, string>
}

export class OidcBrowser {
  /** host name → cookie name → cookie. */
  readonly jar = new Map<string, Map<string, StoredCookie>>()
  /** Every response this browser received, in order (to check what reached the user). */
  readonly history: Page[] = []

  /** A cookie's value for a URL's host, whatever its path; undefined when absent. */
  cookie (url: string | URL, name: string): string | undefined {
    return this.jar.get(new URL(url).hostname)?.get(name)?.value
  }

  setCookie (url: string | URL, name: string, value: string, path = '/'): void {
    const host = new URL(url).hostname
    const cookies = this.jar.get(host) ?? new Map<string, StoredCookie>()
    cookies.set(name, { value, path, secure: false, httpOnly: true })
    this.jar.set(host, cookies)
  }

  deleteCookie (url: string | URL, name: string): void {
    this.jar.get(new URL(url).hostname)?.delete(name)
  }

  /** The Cookie header a browser would send to `url`. */
  cookieHeader (url: URL): string {
    const now = Date.now()
    const cookies = this.jar.get(url.hostname)
    if (cookies === undefined) return ''
    const pairs: string[] = []
    for (const [name, c] of cookies) {
      if (c.expires !== undefined && c.expires <= now) continue
      if (c.secure && url.protocol !== 'https:') continue
      if (!pathMatches(url.pathname, c.path)) continue
      pairs.push(`${name}=${c.value}`)
    }
    return pairs.join('; ')
  }

  private store (url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim())
      const eq = pair.indexOf('=')
      if (eq <= 0) continue
      const name = pair.slice(0, eq)
      const value = pair.slice(eq + 1)
      const cookie: StoredCookie = { value, path: defaultPath(url), secure: false, httpOnly: false }
      let deleted = value === ''
      for (const attr of attrs) {
        const [k = '', v = ''] = attr.split('=', 2)
        const key = k.toLowerCase()
        if (key === 'path' && v.startsWith('/')) cookie.path = v
        else if (key === 'secure') cookie.secure = true
        else if (key === 'httponly') cookie.httpOnly = true
        else if (key === 'samesite') cookie.sameSite = v
        else if (key === 'max-age') {
          const seconds = Number(v)
          if (seconds <= 0) deleted = true
          else cookie.expires = Date.now() + seconds * 1000
        } else if (key === 'expires' && cookie.expires === undefined) {
          const at = Date.parse(v)
          if (Number.isFinite(at)) {
            if (at <= Date.now()) deleted = true
            else cookie.expires = at
          }
        }
      }
      const cookies = this.jar.get(url.hostname) ?? new Map<string, StoredCookie>()
      if (deleted) cookies.delete(name)
      else cookies.set(name, cookie)
      this.jar.set(url.hostname, cookies)
    }
  }

  /** One request, no redirect followed; cookies sent and stored; the body read as text. */
  async request (url: string | URL, init: RequestInit = {}): Promise<Page> {
    const target = new URL(url)
    const headers = new Headers(init.headers)
    const cookie = this.cookieHeader(target)
    if (cookie !== '' && !headers.has('cookie')) headers.set('cookie', cookie)
    const res = await fetch(target, { ...init, headers, redirect: 'manual' })
    this.store(target, res.headers)
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

function defaultPath (url: URL): string {
  const dir = url.pathname.slice(0, url.pathname.lastIndexOf('/'))
  return dir === '' ? '/' : dir
}

function pathMatches (requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true
  if (!requestPath.startsWith(cookiePath)) return false
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/'
}

/** The IdP's login page: a form with a password field. */
export function isLoginForm (page: Page): boolean {
  return page.status === 200 && /<input[^>]*type="password"/.test(page.body) && /<form[^>]*method="post"/i.test(page.body)
}

/** The IdP's "Do you want to end your session?" page (OIDC RP-initiated logout). */
export function isLogoutConfirmation (page: Page): boolean {
  return page.status === 200 && page.body.includes('op.logoutForm')
}

function unescapeHtml (s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, '\'').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
}

/** The first form of a page: its action (resolved against the page URL), method and prefilled inputs. */
export function formOf (page: Page): Form {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(page.body)
  if (form === null) throw new Error(`no form on ${page.url.href}:\n${page.body.slice(0, 500)}`)
  const attrs = form[1] ?? ''
  const action = /\baction="([^"]*)"/i.exec(attrs)?.[1] ?? ''
  const method = /\bmethod="([^"]*)"/i.exec(attrs)?.[1] ?? 'get'
  const fields: Record<string, string> = {}
  for (const input of (form[2] ?? '').matchAll(/<input\b([^>]*)>/gi)) {
    const name = /\bname="([^"]*)"/i.exec(input[1] ?? '')?.[1]
    const value = /\bvalue="([^"]*)"/i.exec(input[1] ?? '')?.[1]
    if (name !== undefined && value !== undefined) fields[unescapeHtml(name)] = unescapeHtml(value)
  }
  return { action: new URL(unescapeHtml(action), page.url), method: method.toUpperCase(), fields }
}
