// Source principals outside a mesh: signed peer assertions (README "Source principals").
import { SignJWT } from 'jose'
import { describe, expect, it, vi } from 'vitest'
import { createPeerAssertion, createPeerVerifier, PeerSecretError, peerHeaders, serviceAccountPrincipal } from '../src/index.ts'

const SECRET = 'a-peer-secret-of-at-least-32-characters'
const REVIEWS = serviceAccountPrincipal('bookinfo', 'bookinfo-reviews')

describe('peer assertions', () => {
  it('names principals as Istio does', () => {
    expect(REVIEWS).toBe('cluster.local/ns/bookinfo/sa/bookinfo-reviews')
  })

  it('a valid assertion for this workload gives its principal', async () => {
    const headers = await peerHeaders({ secret: SECRET, principal: REVIEWS, audience: 'ratings' })
    expect(Object.keys(headers)).toEqual(['x-bookinfo-peer'])
    expect(await createPeerVerifier(SECRET, 'ratings').verify(headers['x-bookinfo-peer'])).toEqual({ kind: 'verified', principal: REVIEWS })
  })

  it('no header: no peer identity', async () => {
    expect(await createPeerVerifier(SECRET, 'ratings').verify(undefined)).toEqual({ kind: 'none' })
  })

  it('an assertion for another workload is refused (audience binding)', async () => {
    const token = await createPeerAssertion({ secret: SECRET, principal: REVIEWS, audience: 'details' })
    expect(await createPeerVerifier(SECRET, 'ratings').verify(token)).toMatchObject({ kind: 'invalid' })
  })

  it('an assertion signed with another secret is refused', async () => {
    const token = await createPeerAssertion({ secret: 'another-secret-that-is-32-characters-long', principal: REVIEWS, audience: 'ratings' })
    expect(await createPeerVerifier(SECRET, 'ratings').verify(token)).toEqual({ kind: 'invalid', reason: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' })
  })

  it('an expired assertion is refused', async () => {
    const token = await createPeerAssertion({ secret: SECRET, principal: REVIEWS, audience: 'ratings', ttlSeconds: -60 })
    expect(await createPeerVerifier(SECRET, 'ratings').verify(token)).toEqual({ kind: 'invalid', reason: 'ERR_JWT_EXPIRED' })
  })

  it('a JWT of another type signed with the same secret is refused', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer('bookinfo-mesh-policy').setSubject(REVIEWS)
      .setAudience('ratings').setExpirationTime('1m').sign(new TextEncoder().encode(SECRET))
    expect(await createPeerVerifier(SECRET, 'ratings').verify(token)).toMatchObject({ kind: 'invalid' })
  })

  it('without a secret every assertion is refused', async () => {
    const token = await createPeerAssertion({ secret: SECRET, principal: REVIEWS, audience: 'ratings' })
    expect(await createPeerVerifier(undefined, 'ratings').verify(token)).toEqual({ kind: 'invalid', reason: 'no peer secret configured' })
  })

  it('garbage and repeated headers are refused, never thrown', async () => {
    const v = createPeerVerifier(SECRET, 'ratings')
    expect(await v.verify('garbage')).toMatchObject({ kind: 'invalid' })
    expect(await v.verify(['a', 'b'])).toEqual({ kind: 'invalid', reason: 'more than one assertion' })
  })

  it('refuses short secrets', async () => {
    expect(() => createPeerVerifier('short', 'ratings')).toThrow(PeerSecretError)
    await expect(createPeerAssertion({ secret: 'short', principal: REVIEWS, audience: 'ratings' })).rejects.toThrow(PeerSecretError)
  })

  describe('verified assertions remembered by their exact string', () => {
    const later = (seconds: number) => vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + seconds * 1000 })

    it('a repeat is answered at once, with the same principal', async () => {
      const v = createPeerVerifier(SECRET, 'ratings')
      const token = await createPeerAssertion({ secret: SECRET, principal: REVIEWS, audience: 'ratings' })
      const first = v.verify(token)
      expect(first).toBeInstanceOf(Promise)
      expect(await first).toEqual({ kind: 'verified', principal: REVIEWS })
      expect(v.verify(token)).toEqual({ kind: 'verified', principal: REVIEWS })
    })

    it('a remembered assertion past its expiry (and the 5 s tolerance) is refused as expired', async () => {
      const v = createPeerVerifier(SECRET, 'ratings')
      const token = await createPeerAssertion({ secret: SECRET, principal: REVIEWS, audience: 'ratings', ttlSeconds: 10 })
      expect(await v.verify(token)).toEqual({ kind: 'verified', principal: REVIEWS })
      try {
        later(12)
        expect(v.verify(token)).toEqual({ kind: 'verified', principal: REVIEWS })
        expect(await createPeerVerifier(SECRET, 'ratings').verify(token)).toEqual({ kind: 'verified', principal: REVIEWS })
        later(16)
        expect(await v.verify(token)).toEqual({ kind: 'invalid', reason: 'ERR_JWT_EXPIRED' })
        expect(await createPeerVerifier(SECRET, 'ratings').verify(token)).toEqual({ kind: 'invalid', reason: 'ERR_JWT_EXPIRED' })
      } finally {
        vi.useRealTimers()
      }
    })

    it('a refused assertion is not remembered: each try is verified in full', async () => {
      const v = createPeerVerifier(SECRET, 'ratings')
      const token = await createPeerAssertion({ secret: SECRET, principal: REVIEWS, audience: 'details' })
      for (let i = 0; i < 2; i++) {
        const result = v.verify(token)
        expect(result).toBeInstanceOf(Promise)
        expect(await result).toEqual({ kind: 'invalid', reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' })
      }
    })

    it('another verifier (another workload) does not share what this one remembered', async () => {
      const token = await createPeerAssertion({ secret: SECRET, principal: REVIEWS, audience: 'ratings' })
      expect(await createPeerVerifier(SECRET, 'ratings').verify(token)).toEqual({ kind: 'verified', principal: REVIEWS })
      expect(await createPeerVerifier(SECRET, 'details').verify(token)).toMatchObject({ kind: 'invalid' })
    })
  })
})
