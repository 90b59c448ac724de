import type { IncomingMessage, ServerResponse } from 'node:http'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { claimsForScopes, findUserBySub } from './accounts.ts'
import type { PrivateJwk } from './keys.ts'
import { publicJwks } from './keys.ts'
import { sendJson } from './pages.ts'
import { userinfoAudience } from './provider.ts'
import type { Seed } from './seed.ts'

/**
 * Auth0's /userinfo takes the API access token (its `aud` lists `<issuer>userinfo`). oidc-provider's own
 * userinfo refuses any token with an audience, so this one verifies our JWT access tokens itself.
 */
export function createUserinfoHandler (issuer: string, seed: Seed, keys: PrivateJwk[]) {
  const jwks = createLocalJWKSet(publicJwks(keys) as Parameters<typeof createLocalJWKSet>[0])
  const audience = userinfoAudience(issuer)

  function reject (res: ServerResponse, status: number, error: string, description: string): void {
    sendJson(res, status, { error, error_description: description }, {
      'WWW-Authenticate': `Bearer realm="${issuer}", error="${error}", error_description="${description}"`,
    })
  }

  return async function userinfo (req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('Allow', 'GET, POST')
      sendJson(res, 405, { error: 'invalid_request', error_description: 'method not allowed' })
      return
    }
    req.resume()
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(req.headers.authorization ?? '')
    if (match === null) {
      reject(res, 401, 'invalid_token', 'no bearer access token')
      return
    }
    let payload
    try {
      ({ payload } = await jwtVerify(match[1] as string, jwks, { issuer, audience, algorithms: ['RS256'], typ: 'at+jwt' }))
    } catch {
      reject(res, 401, 'invalid_token', 'invalid or expired access token')
      return
    }
    const scopes = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : [])
    if (!scopes.has('openid')) {
      reject(res, 403, 'insufficient_scope', 'access token lacks the openid scope')
      return
    }
    const user = typeof payload.sub === 'string' ? findUserBySub(seed, payload.sub) : undefined
    if (user === undefined) {
      reject(res, 401, 'invalid_token', 'unknown subject')
      return
    }
    sendJson(res, 200, claimsForScopes(user, scopes))
  }
}
