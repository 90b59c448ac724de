import { createPeerAssertion, serviceAccountPrincipal } from '@bookinfo/mesh-policy'
import { checkAnyRequest, checkHostile, hostileBody } from '@bookinfo/test-helpers/hostile'
import { checkHostileTokens, injectSender, POLICY_PEER_SECRET, startPolicyIssuer, type PolicyIssuer } from '@bookinfo/test-helpers/hostile-tokens'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appWith } from './build.ts'

const PATHS = ['/ratings/0', '/ratings/1', '/ratings/', '/health', '/metrics']

let policy: PolicyIssuer
const apps: FastifyInstance[] = []

async function app (env: Record<string, string>): Promise<FastifyInstance> {
  const built = await appWith(env)
  apps.push(built)
  return built
}

beforeAll(async () => {
  policy = await startPolicyIssuer()
})

afterAll(async () => {
  for (const a of apps) await a.close()
  await policy?.close()
})

describe('hostile input against ratings (in-process)', () => {
  it('v1, open: any request → never a 5xx, no secret echoed', async () => {
    await checkAnyRequest('ratings v1: any request', await app({}), { paths: PATHS, runs: 200 })
  })

  it('POST bodies of every shape: 200 only for a small object of reviewer → 0..5 stars, else 4xx; the store stays sane', async () => {
    const open = await app({})
    await checkHostile('ratings: POST bodies', hostileBody(), async ({ contentType, payload }) => {
      const res = await open.inject({ method: 'POST', url: '/ratings/7', payload, headers: contentType === undefined ? {} : { 'content-type': contentType } })
      expect(res.statusCode, payload.slice(0, 100)).toBeLessThan(500)
      if (res.statusCode === 200) {
        const ratings = (res.json() as { ratings: Record<string, unknown> }).ratings
        for (const stars of Object.values(ratings)) expect(Number.isInteger(stars) && (stars as number) >= 0 && (stars as number) <= 5).toBe(true)
      }
      const after = await open.inject({ url: '/ratings/7' })
      expect(after.statusCode).toBe(200)
      expect(Object.getPrototypeOf(after.json())).toBe(Object.prototype)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    }, { runs: 200 })
  })

  it('with istio/security enforced: any request → never a 5xx', async () => {
    await checkAnyRequest('ratings + policy: any request', await app(policy.env), { paths: PATHS, runs: 150 })
  })

  it('forged tokens from the reviews principal never read ratings: 401 or 403, never the token echoed', async () => {
    const secured = await app(policy.env)
    const peer = await createPeerAssertion({ secret: POLICY_PEER_SECRET, principal: serviceAccountPrincipal('bookinfo', 'bookinfo-reviews'), audience: 'ratings', ttlSeconds: 600 })
    await checkHostileTokens({
      name: 'ratings + policy: forged tokens',
      issuer: policy.issuer,
      claims: { sub: 'auth0|hostile', permissions: ['read:book-details', 'read:book-reviews'] },
      send: injectSender(secured, '/ratings/0', { 'x-bookinfo-peer': peer }),
      runs: 200,
    })
  })
})
