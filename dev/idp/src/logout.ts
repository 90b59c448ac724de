import type { IncomingMessage, ServerResponse } from 'node:http'
import type Provider from 'oidc-provider'
import { messagePage, sendHtml } from './pages.ts'

export interface LogoutClient {
  clientId: string
  postLogoutUris: readonly string[]
}

/**
 * Auth0's `GET /v2/logout?client_id=&returnTo=`: ends the IdP session at once (no confirmation page) and
 * redirects to returnTo only when it is an allowed logout URL of that client; without client_id, of any
 * client (Auth0's tenant-level list). Without returnTo, a plain "logged out" page.
 */
export function createLogoutHandler (provider: Provider, clients: readonly LogoutClient[]) {
  return async function logout (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET')
      sendHtml(res, 405, messagePage('Method not allowed', 'Use GET /v2/logout.'))
      return
    }
    const clientId = query.get('client_id')
    const returnTo = query.get('returnTo')
    let allowed: readonly string[]
    if (clientId !== null) {
      const client = clients.find((c) => c.clientId === clientId)
      if (client === undefined) {
        sendHtml(res, 400, messagePage('Invalid logout request', 'The client_id is not registered.'))
        return
      }
      allowed = client.postLogoutUris
    } else {
      allowed = clients.flatMap((c) => c.postLogoutUris)
    }
    if (returnTo !== null && !allowed.includes(returnTo)) {
      sendHtml(res, 400, messagePage('Invalid logout request', 'The returnTo URL is not an allowed logout URL of this client.'))
      return
    }

    await endSession(provider, req, res)
    if (returnTo !== null) {
      res.statusCode = 302
      res.setHeader('Location', returnTo)
      res.setHeader('Cache-Control', 'no-store')
      res.end()
      return
    }
    sendHtml(res, 200, messagePage('Logged out', 'You are logged out of the Bookinfo dev IdP.'))
  }
}

/** Destroys the session the `_session` cookie names (if any) and expires the cookie. */
async function endSession (provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ctx = provider.createContext(req, res)
  const session = await provider.Session.get(ctx)
  // Destroying an unsaved (new) session is a no-op for the adapter.
  await session.destroy()
  ctx.cookies.set(provider.cookieName('session'), null, { path: '/', httpOnly: true, sameSite: 'lax', signed: true })
}
