import fp from 'fastify-plugin'
import helmet from 'helmet'
import type { FastifyInstance } from 'fastify'

/**
 * Helmet with a CSP that allows our own origin only. The page has no inline script or style (the
 * sign-in modal works through Bootstrap's data attributes), so nothing needs 'unsafe-inline'.
 * No upgrade-insecure-requests and no HSTS: Bookinfo is often served over plain HTTP (gateway port
 * 80/8080), where those would break the assets or pin the host to HTTPS; TLS policy is the ingress's job.
 *
 * helmet itself rather than @fastify/helmet: the Fastify wrapper builds helmet's middleware again (and
 * parses the CSP again) on every request, through two hooks; the headers never change, so we build the
 * middleware once and run it from one callback hook.
 */
async function securityHeaders (app: FastifyInstance): Promise<void> {
  const setHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    hsts: false,
    // No framing at all (clickjacking of the sign-in and sign-out links), as frame-ancestors 'none' says.
    xFrameOptions: { action: 'deny' },
    // The Referer stays on our origin (the simple login returns to the page it came from) and never leaves it.
    referrerPolicy: { policy: 'same-origin' },
  })
  app.addHook('onRequest', (request, reply, done) => {
    setHeaders(request.raw, reply.raw, (err) => { done(err as Error | undefined) })
  })
}

export const securityHeadersPlugin = fp(securityHeaders, { name: 'productpage-security-headers', fastify: '5.x' })
