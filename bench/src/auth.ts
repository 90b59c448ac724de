import { createHash, randomBytes } from 'node:crypto'
import { peerHeaders, serviceAccountPrincipal } from '@bookinfo/mesh-policy'
import { OidcBrowser, formOf } from '@bookinfo/test-helpers/oidc-browser'

/** The moderator persona of the bundled IdP (dev password, dev/idp/README.md). */
export const MODERATOR = { username: 'mod@bookinfo.com', password: 'mod-password' }

/**
 * Signs the moderator in through productpage's real OIDC login (productpage → IdP login form →
 * callback) and returns the Cookie header a browser would then send to the page.
 */
export async function moderatorCookie (productpageUrl: string): Promise<string> {
  const browser = new OidcBrowser()
  const done = await browser.signIn(`${productpageUrl}/login`, MODERATOR)
  if (done.page.status !== 200) throw new Error(`sign-in ended with ${done.page.status} at ${done.page.url.href}`)
  const cookie = browser.cookieHeader(new URL(`${productpageUrl}/productpage`))
  if (cookie === '') throw new Error('sign-in set no session cookie')
  return cookie
}

export interface TokenClient {
  /** The public issuer (trailing slash), e.g. `http://localhost:9090/`. */
  issuer: string
  clientId: string
  clientSecret: string
  /** A redirect URI registered for the client (productpage's callback); never requested. */
  redirectUri: string
  audience: string
}

/**
 * The moderator's access token, from the IdP's authorization-code flow with PKCE (what productpage
 * holds after a login), for calling the services directly with a valid bearer.
 */
export async function moderatorAccessToken (client: TokenClient): Promise<string> {
  const verifier = randomBytes(32).toString('base64url')
  const authorize = new URL('authorize', client.issuer)
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: 'openid profile email',
    audience: client.audience,
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString()
  const browser = new OidcBrowser()
  const atCallback = (url: URL) => url.href.startsWith(client.redirectUri)
  const login = await browser.navigate(authorize, {}, { stopBefore: atCallback })
  const done = await browser.submit(formOf(login.page), MODERATOR, { stopBefore: atCallback })
  const location = done.page.headers.get('location')
  const code = location === null ? null : new URL(location).searchParams.get('code')
  if (code === null) throw new Error(`no authorization code (IdP answered ${done.page.status})`)
  const res = await fetch(new URL('oauth/token', client.issuer), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier }),
  })
  const body = await res.json() as { access_token?: unknown }
  if (res.status !== 200 || typeof body.access_token !== 'string') throw new Error(`token endpoint answered ${res.status}`)
  return body.access_token
}

/** The header reviews adds when it calls ratings (its source principal outside a mesh); valid 60 s. */
export async function reviewsPeerHeader (secret: string): Promise<Record<string, string>> {
  return peerHeaders({ secret, principal: serviceAccountPrincipal('bookinfo', 'bookinfo-reviews'), audience: 'ratings' })
}
