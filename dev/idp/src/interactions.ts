import type { IncomingMessage, ServerResponse } from 'node:http'
import type Provider from 'oidc-provider'
import { findUserByLogin, passwordMatches } from './accounts.ts'
import { readForm } from './form.ts'
import type { LoginLimiter } from './login-limits.ts'
import { INTERACTION_PREFIX } from './provider.ts'
import { loginPage, messagePage, sendHtml } from './pages.ts'
import type { Seed } from './seed.ts'

export const WRONG_CREDENTIALS = 'Wrong email or password.'

/** The 429 text: the same for a blocked account and a blocked address (it tells an attacker nothing about either). */
export function tooManyAttempts (seconds: number): string {
  const minutes = Math.ceil(seconds / 60)
  return `Too many failed logins. Try again in ${seconds < 90 ? `${seconds} seconds` : `${minutes} minutes`}.`
}

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>

/**
 * The interaction bound to this request: oidc-provider finds it through its signed, path-scoped cookie, and
 * the uid in the URL must name the same one, so a form cannot be replayed into another login.
 */
async function boundInteraction (provider: Provider, req: IncomingMessage, res: ServerResponse, uid: string): Promise<Interaction | undefined> {
  let interaction: Interaction
  try {
    interaction = await provider.interactionDetails(req, res)
  } catch {
    sendHtml(res, 400, messagePage('Login expired', 'This login attempt is unknown or has expired. Go back to the application and sign in again.'))
    return undefined
  }
  if (interaction.uid !== uid) {
    sendHtml(res, 400, messagePage('Login expired', 'This login attempt does not match your browser session. Go back to the application and sign in again.'))
    return undefined
  }
  return interaction
}

/** First-party client: consent is granted without asking, for exactly what the request lacks. */
async function grantConsent (provider: Provider, interaction: Interaction): Promise<string> {
  const { prompt: { details }, params, session, grantId } = interaction
  const accountId = session?.accountId
  const clientId = typeof params.client_id === 'string' ? params.client_id : undefined
  if (accountId === undefined || clientId === undefined) throw new Error('consent without a session or client')
  const existing = grantId === undefined ? undefined : await provider.Grant.find(grantId)
  const grant = existing ?? new provider.Grant({ accountId, clientId })
  const missingScope = details.missingOIDCScope
  if (Array.isArray(missingScope)) grant.addOIDCScope(missingScope.join(' '))
  const missingClaims = details.missingOIDCClaims
  if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims)
  const missingResource = details.missingResourceScopes
  if (missingResource !== undefined && typeof missingResource === 'object') {
    for (const [indicator, scopes] of Object.entries(missingResource as Record<string, string[]>)) {
      grant.addResourceScope(indicator, scopes.join(' '))
    }
  }
  return grant.save()
}

function clientNameOf (seed: Seed, interaction: Interaction): string {
  return interaction.params.client_id === seed.client.clientId ? seed.client.clientName : 'the application'
}

/** GET /interaction/:uid: the login form, or (already signed in) the automatic consent. */
export async function showInteraction (provider: Provider, seed: Seed, req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
  const interaction = await boundInteraction(provider, req, res, uid)
  if (interaction === undefined) return
  if (interaction.prompt.name === 'login') {
    const hint = typeof interaction.params.login_hint === 'string' ? interaction.params.login_hint : ''
    sendHtml(res, 200, loginPage({ action: `${INTERACTION_PREFIX}${uid}/login`, clientName: clientNameOf(seed, interaction), login: hint }))
    return
  }
  if (interaction.prompt.name === 'consent') {
    const grantId = await grantConsent(provider, interaction)
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true })
    return
  }
  await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'unsupported prompt' }, { mergeWithLastSubmission: false })
}

/** The key an account's failures count under: the user's subject (email and username are one account), else the login typed. */
function accountKey (seed: Seed, login: string): string {
  return findUserByLogin(seed, login)?.sub ?? login.trim().toLowerCase().slice(0, 256)
}

/**
 * POST /interaction/:uid/login: checks the password; a wrong one re-renders the form with 401 and no session.
 * Over the brute-force limits (login-limits.ts) the form comes back with 429 and Retry-After, unchecked.
 */
export async function submitLogin (provider: Provider, seed: Seed, limiter: LoginLimiter, req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
  const form = await readForm(req)
  if (form === undefined) {
    sendHtml(res, 413, messagePage('Request too large', 'The login form was too large.'))
    return
  }
  const interaction = await boundInteraction(provider, req, res, uid)
  if (interaction === undefined) return
  if (interaction.prompt.name !== 'login') {
    sendHtml(res, 400, messagePage('Already signed in', 'This login attempt is already complete. Go back to the application.'))
    return
  }
  const login = form.get('username') ?? form.get('email') ?? ''
  const password = form.get('password') ?? ''
  const account = accountKey(seed, login)
  const page = { action: `${INTERACTION_PREFIX}${uid}/login`, clientName: clientNameOf(seed, interaction), login: login.slice(0, 200) }
  const retryAfter = await limiter.retryAfter(req, account)
  if (retryAfter > 0) {
    res.setHeader('Retry-After', String(retryAfter))
    sendHtml(res, 429, loginPage({ ...page, error: tooManyAttempts(retryAfter) }))
    return
  }
  const user = findUserByLogin(seed, login)
  if (user === undefined || !passwordMatches(user, password)) {
    await limiter.failed(req, account)
    sendHtml(res, 401, loginPage({ ...page, error: WRONG_CREDENTIALS }))
    return
  }
  await limiter.succeeded(account)
  await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false })
}
