/** Reading the forms of an HTML page as a browser would submit them (the IdP's login and logout pages). */

export interface FormPage {
  status: number
  body: string
  /** The URL the page came from: a form's action is resolved against it. */
  url: URL
}

export interface Form {
  action: URL
  method: string
  /** Hidden inputs and inputs with a value. */
  fields: Record<string, string>
}

/** The IdP's login page: a form with a password field. */
export function isLoginForm (page: FormPage): boolean {
  return page.status === 200 && /<input[^>]*type="password"/.test(page.body) && /<form[^>]*method="post"/i.test(page.body)
}

/** The IdP's "Do you want to end your session?" page (OIDC RP-initiated logout). */
export function isLogoutConfirmation (page: FormPage): boolean {
  return page.status === 200 && page.body.includes('op.logoutForm')
}

function unescapeHtml (s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, '\'').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
}

/** The first form of a page: its action (resolved against the page URL), method and prefilled inputs. */
export function formOf (page: FormPage): Form {
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
