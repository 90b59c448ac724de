import { createHash, randomBytes } from 'node:crypto'

/** A browser stand-in: fetch with manual redirects and a path-aware cookie jar, nothing mocked. */
export class Browser {
  readonly cookies = new Map<string, { value: string, path: string }>()

  cookieHeader (url: URL): string {
    return [...this.cookies.entries()]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ')
  }

  private store (res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim())
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      const value = pair.slice(eq + 1)
      const path = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/'
      const expired = attrs.some((a) => /^expires=.*1970/i.test(a) || /^max-age=0$/i.test(a)) || value === ''
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, { value, path })
    }
  }

  async request (url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url)
    const headers = new Headers(init.headers)
    const cookie = this.cookieHeader(target)
    if (cookie !== '') headers.set('cookie', cookie)
    const res = await fetch(target, { ...init, headers, redirect: 'manual' })
    this.store(res)
    return res
  }

  /**
   * Follows redirects while they stay on `origin`; stops at a page (no Location) or at a redirect that
   * leaves the IdP (to the client's callback), returning that response and the URL it came from.
   */
  async follow (url: string | URL, origin: string, init: RequestInit = {}): Promise<{ res: Response, url: URL }> {
    let current = new URL(url)
    let res = await this.request(current, init)
    for (let i = 0; i < 10; i++) {
      const location = res.headers.get('location')
      if (res.status < 300 || res.status >= 400 || location === null) return { res, url: current }
      const next = new URL(location, current)
      if (next.origin !== new URL(origin).origin) return { res, url: current }
      await res.arrayBuffer()
      current = next
      res = await this.request(current)
    }
    throw new Error('too many redirects')
  }
}

export interface Pkce { verifier: string, challenge: string }

export function pkce (): Pkce {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

export function randomToken (): string {
  return randomBytes(16).toString('base64url')
}

/** The action URL of the login form on a page. */
export function formAction (html: string): string {
  const match = /<form method="post" action="([^"]+)"/.exec(html)
  if (match === null) throw new Error(`no login form in page:\n${html}`)
  return (match[1] as string).replace(/&amp;/g, '&')
}
