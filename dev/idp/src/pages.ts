import { createHash } from 'node:crypto'
import type { ServerResponse } from 'node:http'

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml (value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

const STYLE = `
body { font-family: system-ui, sans-serif; background: #f4f4f4; margin: 0; }
main { max-width: 22rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 6px; box-shadow: 0 1px 4px #0002; }
h1 { font-size: 1.4rem; margin-top: 0; }
label { display: block; margin-top: 1rem; font-weight: 600; }
input { width: 100%; box-sizing: border-box; padding: .5rem; margin-top: .25rem; font-size: 1rem; }
button { margin-top: 1.5rem; width: 100%; padding: .6rem; font-size: 1rem; background: #635dff; color: #fff; border: 0; border-radius: 4px; }
.error { color: #b00020; background: #fde7ea; padding: .5rem; border-radius: 4px; }
.hint { color: #555; font-size: .85rem; }
`

// The one stylesheet, allowed by its hash: no 'unsafe-inline'.
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64')

/**
 * The headers of every answer. CSP: nothing but our own inline stylesheet (by hash), no scripts of ours
 * (`script-src 'self'` serves none; it is there so that oidc-provider can add the hash of its auto-submit
 * script, as its logout and form_post pages do; `'none'` cannot be combined with a hash), forms only to
 * ourselves and to the registered clients' origins (Chrome applies form-action to the redirects after the
 * login POST, which end at the client's callback), no framing, no base URL.
 */
export function securityHeaders (clientUrls: readonly string[]): Record<string, string> {
  const origins = [...new Set(clientUrls.map((u) => new URL(u).origin))]
  const csp = [
    "default-src 'none'", "script-src 'self'", `style-src 'sha256-${STYLE_HASH}'`, "img-src 'self'",
    `form-action 'self' ${origins.join(' ')}`.trim(), "frame-ancestors 'none'", "base-uri 'none'",
  ].join('; ')
  return {
    'Content-Security-Policy': csp,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  }
}

/** Wraps body HTML (already escaped by the caller) in a complete page. */
export function layout (title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`
}

export interface LoginPageInput {
  /** The form's target, bound to the interaction uid. */
  action: string
  clientName: string
  login?: string
  error?: string
}

export function loginPage ({ action, clientName, login = '', error }: LoginPageInput): string {
  const errorHtml = error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>\n`
  return layout('Log in | Bookinfo dev IdP', `<h1>Log in</h1>
<p>to continue to ${escapeHtml(clientName)}</p>
${errorHtml}<form method="post" action="${escapeHtml(action)}" autocomplete="off">
<label for="username">Email or username</label>
<input id="username" name="username" type="text" autocomplete="username" required autofocus value="${escapeHtml(login)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Log in</button>
</form>
<p class="hint">Bookinfo development identity provider. Personas are listed in dev/idp/README.md.</p>`)
}

export function messagePage (title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`)
}

/** Sends a complete HTML page, never cached (the security headers are set for every answer in app.ts). */
export function sendHtml (res: ServerResponse, status: number, html: string): void {
  res.statusCode = status
  res.setHeader('Content-Type', 'text/html; charset=utf-8')
  res.setHeader('Cache-Control', 'no-store')
  res.end(html)
}

export function sendJson (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json')
  res.setHeader('Cache-Control', 'no-store')
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v)
  res.end(JSON.stringify(body))
}
