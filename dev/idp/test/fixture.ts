import { createHash, randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { getFreePort, startProcess, type ManagedProcess } from '@bookinfo/test-helpers'
import { OidcBrowser, formOf, type Page } from '@bookinfo/test-helpers/oidc-browser'
import { devPersonas } from '../src/personas.ts'

export const SERVER_TS = fileURLToPath(new URL('../src/server.ts', import.meta.url))
export const API = 'https://bookinfo.io'
export const CLIENT_ID = 'bookinfo-productpage'
export const CLIENT_SECRET = 'test-secret-9f8e7d6c5b4a'
export const REDIRECT_URI = 'http://localhost:9080/callback'
export const OTHER_REDIRECT_URI = 'http://127.0.0.1:18080/callback'
export const POST_LOGOUT_URI = 'http://localhost:9080/productpage'

/** The shipped seed's personas with their documented dev passwords. */
export const PERSONAS = devPersonas()

export function randomToken (): string {
  return randomBytes(16).toString('base64url')
}

function pkce (): { verifier: string, challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

export interface RunningIdp {
  proc: ManagedProcess
  /** Where tests (the back channel) reach the IdP. */
  base: string
  /** The public issuer: another host name than `base`, as in compose and kind. */
  issuer: string
}

/** The IdP as a process on a free loopback port (or `env.IDP_PORT`, for a test that needs the issuer first). */
export async function startIdp (env: Record<string, string> = {}): Promise<RunningIdp> {
  const port = env.IDP_PORT === undefined ? await getFreePort() : Number(env.IDP_PORT)
  const base = `http://127.0.0.1:${port}`
  const issuer = `http://localhost:${port}/`
  const proc = await startProcess(process.execPath, [SERVER_TS], {
    env: {
      IDP_PORT: String(port),
      IDP_HOST: '127.0.0.1',
      IDP_ISSUER: issuer,
      IDP_DEV_CLIENT_SECRET: CLIENT_SECRET,
      IDP_REDIRECT_URIS: `${REDIRECT_URI},${OTHER_REDIRECT_URI}`,
      IDP_POST_LOGOUT_URIS: POST_LOGOUT_URI,
      ...env,
    },
    readyUrl: `${base}/health`,
  })
  return { proc, base, issuer }
}

export interface AuthorizeParams {
  scope?: string
  redirectUri?: string
  extra?: Record<string, string>
  /** Parameters to leave out (e.g. `audience`). */
  omit?: string[]
}

export function authorizeUrl (idp: RunningIdp, { scope = 'openid profile email', redirectUri = REDIRECT_URI, extra = {}, omit = [] }: AuthorizeParams = {}) {
  const state = randomToken()
  const nonce = randomToken()
  const { verifier, challenge } = pkce()
  const url = new URL('/authorize', idp.base)
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri,
    scope,
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    audience: API,
    ...extra,
  }
  for (const [k, v] of Object.entries(params)) if (!omit.includes(k)) url.searchParams.set(k, v)
  return { url, state, nonce, verifier }
}

/** Where a finished authorization sent the browser: the client's callback with its query. */
export function callbackParams (page: Page): URLSearchParams {
  const location = page.headers.get('location')
  if (location === null) throw new Error(`expected a redirect, got ${page.status}`)
  return new URL(location).searchParams
}

export interface LoginResult {
  browser: OidcBrowser
  code: string
  state: string
  nonce: string
  verifier: string
  callback: URLSearchParams
}

/** Drives /authorize → login form → consent → callback, as a browser would. */
export async function loginAs (idp: RunningIdp, persona: { login: string, password: string }, params: AuthorizeParams = {}, browser = new OidcBrowser()): Promise<LoginResult> {
  const { url, state, nonce, verifier } = authorizeUrl(idp, params)
  const { page } = await browser.navigateWithin(url, idp.base)
  if (page.status !== 200) throw new Error(`expected the login page, got ${page.status}`)
  const done = await postForm(browser, formOf(page).action, idp, { username: persona.login, password: persona.password })
  const callback = callbackParams(done)
  const code = callback.get('code')
  if (code === null) throw new Error(`no code in callback: ${callback.toString()}`)
  return { browser, code, state, nonce, verifier, callback }
}

export interface TokenResponse {
  status: number
  body: Record<string, unknown>
}

export async function tokenRequest (idp: RunningIdp, form: Record<string, string>, auth: 'basic' | 'post' = 'basic', secret = CLIENT_SECRET): Promise<TokenResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  const body = new URLSearchParams(form)
  if (auth === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(secret)}`).toString('base64')}`
  } else {
    body.set('client_id', CLIENT_ID)
    body.set('client_secret', secret)
  }
  const res = await fetch(new URL('/oauth/token', idp.base), { method: 'POST', headers, body })
  return { status: res.status, body: await res.json() as Record<string, unknown> }
}

export async function exchangeCode (idp: RunningIdp, login: LoginResult, auth: 'basic' | 'post' = 'basic'): Promise<TokenResponse> {
  return tokenRequest(idp, {
    grant_type: 'authorization_code',
    code: login.code,
    redirect_uri: REDIRECT_URI,
    code_verifier: login.verifier,
  }, auth)
}

/** Posts a form as a browser would and follows the IdP's own redirects; stops at the one back to the client. */
export async function postForm (browser: OidcBrowser, action: URL, idp: RunningIdp, form: Record<string, string>): Promise<Page> {
  return (await browser.navigateWithin(action, idp.base, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  })).page
}
