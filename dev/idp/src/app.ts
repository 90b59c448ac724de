import type { IncomingMessage, ServerResponse } from 'node:http'
import type Provider from 'oidc-provider'
import type { IdpConfig } from './config.ts'
import { showInteraction, submitLogin } from './interactions.ts'
import { loadSigningKeys, randomCookieKeys, type PrivateJwk } from './keys.ts'
import { silentLog, type LogFn } from './log.ts'
import { createLogoutHandler } from './logout.ts'
import { createLoginLimiter } from './login-limits.ts'
import { messagePage, securityHeaders, sendHtml, sendJson } from './pages.ts'
import { createProvider, INTERACTION_PREFIX } from './provider.ts'
import { loadSeed, type Seed } from './seed.ts'
import { createUserinfoHandler } from './userinfo.ts'

export interface Idp {
  provider: Provider
  seed: Seed
  config: IdpConfig
  keys: PrivateJwk[]
  /** The node:http request listener: our Auth0-shaped routes first, then oidc-provider. */
  handler: (req: IncomingMessage, res: ServerResponse) => void
}

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]{1,64})(\/login)?$/

/**
 * oidc-provider drops `offline_access` unless the request also says `prompt=consent` (OIDC Core 11);
 * Auth0 honours the scope alone. Consent is automatic here, so adding the prompt changes nothing else.
 */
function honourOfflineAccess (req: IncomingMessage, url: URL): void {
  const scope = url.searchParams.get('scope')?.split(' ') ?? []
  if (!scope.includes('offline_access') || url.searchParams.has('prompt')) return
  url.searchParams.set('prompt', 'consent')
  req.url = `${url.pathname}${url.search}`
}

const DISCOVERY_PATHS = new Set(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])

/**
 * oidc-provider builds discovery URLs from the request's host. Auth0 always advertises its public domain, so
 * discovery is answered as if asked at the issuer, whichever address (back channel or browser) asked.
 * Koa reads these headers because `provider.proxy` is on (see provider.ts).
 */
function pinToIssuer (req: IncomingMessage, issuer: URL): void {
  req.headers['x-forwarded-host'] = issuer.host
  req.headers['x-forwarded-proto'] = issuer.protocol.slice(0, -1)
}

/**
 * oidc-provider (Koa with `proxy` on) builds URLs and the Secure flag from X-Forwarded-Proto and -Host. Only
 * values a proxy of ours can mean pass: a proto of `http` or `https`, a host equal to the issuer's. Anything
 * else is dropped (an invalid proto made Koa build an invalid URL, a 500; another host would put the logout
 * form's target, with its xsrf token, on that host).
 */
function sanitizeForwarded (req: IncomingMessage, issuer: URL): void {
  const proto = req.headers['x-forwarded-proto']
  if (proto !== undefined && proto !== 'http' && proto !== 'https') delete req.headers['x-forwarded-proto']
  const host = req.headers['x-forwarded-host']
  if (host !== undefined && host !== issuer.host) delete req.headers['x-forwarded-host']
}

function methodNotAllowed (res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow)
  sendHtml(res, 405, messagePage('Method not allowed', `Use ${allow}.`))
}

/**
 * The request target as a URL on the issuer's origin, or undefined when it is not a path (absolute-form, `*`).
 * Resolved as text after the origin, never as a reference: `///` or `//host/x` must stay a path, not become a host.
 */
function requestUrl (target: string | undefined, origin: string): URL | undefined {
  if (target === undefined || !target.startsWith('/')) return undefined
  return URL.parse(`${origin}${target}`) ?? undefined
}

/** Builds the IdP from its config: reads the seed and keys, configures oidc-provider, wires our routes. */
export function createIdp (config: IdpConfig, log: LogFn = silentLog): Idp {
  const seed = loadSeed(config.seedFile, config.passwordOverrides)
  const keys = loadSigningKeys(config.keysFile)
  const provider = createProvider({ config, seed, keys, cookieKeys: config.cookieKeys ?? randomCookieKeys() })
  const userinfo = createUserinfoHandler(config.issuer, seed, keys)
  const logout = createLogoutHandler(provider, [{ clientId: seed.client.clientId, postLogoutUris: config.postLogoutUris }])
  const providerCallback = provider.callback()
  const issuerUrl = new URL(config.issuer)
  const limiter = createLoginLimiter(config.loginLimits)
  const headers = securityHeaders([...config.redirectUris, ...config.postLogoutUris])

  provider.on('server_error', (_ctx, err: Error) => log('error', 'oidc-provider server error', { error: err.message }))

  async function route (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req.url, issuerUrl.origin)
    if (url === undefined) return sendHtml(res, 400, messagePage('Bad request', 'The request target is not a path.'))
    const path = url.pathname
    sanitizeForwarded(req, issuerUrl)
    if (path === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD')
      return sendJson(res, 200, { status: 'UP', issuer: config.issuer })
    }
    if (path === '/userinfo') return userinfo(req, res)
    if (path === '/v2/logout') return logout(req, res, url.searchParams)
    if (path.startsWith(INTERACTION_PREFIX)) {
      const match = INTERACTION_PATH.exec(path)
      if (match === null) return sendHtml(res, 404, messagePage('Not found', 'There is no such page.'))
      const uid = match[1] as string
      if (match[2] === undefined) {
        if (req.method !== 'GET') return methodNotAllowed(res, 'GET')
        return showInteraction(provider, seed, req, res, uid)
      }
      if (req.method !== 'POST') return methodNotAllowed(res, 'POST')
      return submitLogin(provider, seed, limiter, req, res, uid)
    }
    if (path === '/authorize' && req.method === 'GET') honourOfflineAccess(req, url)
    if (DISCOVERY_PATHS.has(path)) pinToIssuer(req, issuerUrl)
    providerCallback(req, res)
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    // The path only: query strings carry codes, states and hints.
    const path = (req.url ?? '/').split('?')[0]
    // Every answer, ours or oidc-provider's: CSP (self, and the clients' origins as form targets), no framing,
    // no sniffing, no Referer (authorization URLs carry state and codes).
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
    res.on('finish', () => log('info', 'request', { method: req.method, path, status: res.statusCode }))
    route(req, res).catch((err: unknown) => {
      log('error', 'request failed', { method: req.method, path, error: (err as Error).message })
      if (!res.headersSent) sendHtml(res, 500, messagePage('Internal error', 'The IdP could not handle this request.'))
      else res.destroy()
    })
  }

  return { provider, seed, config, keys, handler }
}
