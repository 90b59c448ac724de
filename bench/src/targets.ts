import { moderatorAccessToken, moderatorCookie, reviewsPeerHeader } from './auth.ts'
import type { Fleet, Group } from './fleet.ts'

/** One measured thing: a server, a path, the headers a real client would send, and what a good answer holds. */
export interface Target {
  name: string
  group: Group
  server: string
  path: string
  /** What it is, for the table. */
  label: string
  /** The target its throughput is divided by (same run, same rounds). */
  baseline?: string
  /** Fresh headers for each run (a peer assertion lives 60 s). */
  headers?: () => Promise<Record<string, string>>
  /** Every process that serves it (the server and what it calls): their CPU time is the target's. */
  servers?: string[]
  /** Substrings a correct answer contains (checked once before measuring). */
  expect: string[]
  /** Substrings a correct answer must not contain. */
  reject?: string[]
}

const DETAILS = ['"ISBN-10":"1234567890"']
const RATINGS = ['"Reviewer1":5']
const REVIEWS = ['"reviews":[{"reviewer":"Reviewer1"']
const STARS = ['"rating":{"stars":5,"color":"red"}']
const FULL_PAGE = ['glyphicon glyphicon-star', 'Reviews served by:', 'ISBN-10']
const PAGE_ERRORS = ['Error fetching product details!', 'Error fetching product reviews!']
/** The processes behind a page view. */
export const PAGE = ['productpage', 'details', 'reviews-v3', 'ratings']
const STACK = ['productpage-oidc', 'details-policy', 'reviews-v3-policy', 'ratings-policy']
const chain = (tag: string) => ['productpage', 'details', 'reviews', 'ratings'].map((role) => `chain-${tag}-${role}`)

/**
 * Every target, in measuring order: each baseline just before what is compared with it. Targets whose
 * server is not running (upstream without a checkout, a group left out) are dropped.
 */
export async function buildTargets (fleet: Fleet, log: (line: string) => void): Promise<Target[]> {
  const { stack } = fleet
  log('  signing in as the moderator through productpage and the bundled IdP')
  const cookie = fleet.servers.has('productpage-oidc') ? await moderatorCookie(stack.productpageUrl) : ''
  const token = await moderatorAccessToken({ ...stack, audience: 'https://bookinfo.io' })
  const bearer = async () => ({ authorization: `Bearer ${token}` })
  const bearerAndPeer = async () => ({ authorization: `Bearer ${token}`, ...await reviewsPeerHeader(stack.peerSecret) })

  const all: Target[] = [
    { name: 'bare-details', group: 'details', server: 'bare-details', path: '/details/0', label: 'bare node:http, details\' bytes', expect: DETAILS },
    { name: 'details', group: 'details', server: 'details', path: '/details/0', label: 'details, default logging (info)', baseline: 'bare-details', expect: DETAILS },
    { name: 'details-warn', group: 'details', server: 'details-warn', path: '/details/0', label: 'details, LOG_LEVEL=warn', baseline: 'bare-details', expect: DETAILS },
    { name: 'details-policy', group: 'details', server: 'details-policy', path: '/details/0', label: 'details, policy on, moderator token', baseline: 'bare-details', headers: bearer, expect: DETAILS },
    { name: 'upstream-details', group: 'details', server: 'upstream-details', path: '/details/0', label: 'upstream details.rb (Ruby, WEBrick)', baseline: 'bare-details', expect: ['"ISBN-10":"1234567890"'] },

    { name: 'bare-ratings', group: 'ratings', server: 'bare-ratings', path: '/ratings/0', label: 'bare node:http, ratings\' bytes', expect: RATINGS },
    { name: 'ratings', group: 'ratings', server: 'ratings', path: '/ratings/0', label: 'ratings, default logging (info)', baseline: 'bare-ratings', expect: RATINGS },
    { name: 'ratings-warn', group: 'ratings', server: 'ratings-warn', path: '/ratings/0', label: 'ratings, LOG_LEVEL=warn', baseline: 'bare-ratings', expect: RATINGS },
    { name: 'ratings-policy', group: 'ratings', server: 'ratings-policy', path: '/ratings/0', label: 'ratings, policy on, token + reviews\' principal', baseline: 'bare-ratings', headers: bearerAndPeer, expect: RATINGS },
    { name: 'upstream-ratings', group: 'ratings', server: 'upstream-ratings', path: '/ratings/0', label: 'upstream ratings.js (Node, httpdispatcher)', baseline: 'bare-ratings', expect: RATINGS },

    { name: 'bare-reviews-v1', group: 'reviews', server: 'bare-reviews-v1', path: '/reviews/0', label: 'bare node:http, reviews v1\'s bytes', expect: REVIEWS },
    { name: 'reviews-v1', group: 'reviews', server: 'reviews-v1', path: '/reviews/0', label: 'reviews v1, default logging (info)', baseline: 'bare-reviews-v1', expect: REVIEWS },
    { name: 'reviews-v1-warn', group: 'reviews', server: 'reviews-v1-warn', path: '/reviews/0', label: 'reviews v1, LOG_LEVEL=warn', baseline: 'bare-reviews-v1', expect: REVIEWS },
    { name: 'reviews-v1-policy', group: 'reviews', server: 'reviews-v1-policy', path: '/reviews/0', label: 'reviews v1, policy on, moderator token', baseline: 'bare-reviews-v1', headers: bearer, expect: REVIEWS },
    { name: 'reviews-v3', group: 'reviews', server: 'reviews-v3', servers: ['reviews-v3', 'ratings'], path: '/reviews/0', label: 'reviews v3 → ratings, default logging', expect: STARS },
    { name: 'reviews-v3-policy', group: 'reviews', server: 'reviews-v3-policy', servers: ['reviews-v3-policy', 'ratings-policy'], path: '/reviews/0', label: 'reviews v3 → ratings, policy on in both', headers: bearer, expect: STARS },

    { name: 'chain-new', group: 'page', server: 'chain-new-productpage', servers: chain('new'), path: '/productpage', label: 'bare fan-out chain, new connection per call', expect: FULL_PAGE },
    { name: 'chain-ka', group: 'page', server: 'chain-ka-productpage', servers: chain('ka'), path: '/productpage', label: 'bare fan-out chain, keep-alive', expect: FULL_PAGE },
    { name: 'page', group: 'page', server: 'productpage', servers: PAGE, path: '/productpage', label: 'productpage page, anonymous, simple login, per-call connections', baseline: 'chain-new', expect: FULL_PAGE, reject: PAGE_ERRORS },
    { name: 'page-pooled', group: 'page', server: 'productpage-pooled', servers: ['productpage-pooled', 'details', 'reviews-v3-pooled', 'ratings'], path: '/productpage', label: 'productpage page, anonymous, OUTBOUND_CONNECTIONS=pooled (productpage and reviews)', baseline: 'chain-ka', expect: FULL_PAGE, reject: PAGE_ERRORS },
    { name: 'api', group: 'page', server: 'productpage', servers: ['productpage', 'details'], path: '/api/v1/products/0', label: 'productpage /api/v1/products/0 (→ details)', expect: DETAILS },
    { name: 'stack-page-anonymous', group: 'page', server: 'productpage-oidc', servers: STACK, path: '/productpage', label: 'dev.sh stack (OIDC, policy on everywhere): page, anonymous', baseline: 'chain-new', expect: PAGE_ERRORS },
    { name: 'stack-page-moderator', group: 'page', server: 'productpage-oidc', servers: STACK, path: '/productpage', label: 'dev.sh stack: page, signed in as moderator', baseline: 'chain-new', headers: async () => ({ cookie }), expect: [...FULL_PAGE, 'sign out'], reject: PAGE_ERRORS },
  ]
  return all.filter((t) => fleet.servers.has(t.server) && (t.baseline === undefined || fleet.servers.has(all.find((b) => b.name === t.baseline)?.server ?? '')))
}

/** Fetches a target once and says what is wrong with the answer, or undefined when it is right. */
export async function checkTarget (fleet: Fleet, target: Target): Promise<string | undefined> {
  const res = await fetch(`${fleet.get(target.server).origin}${target.path}`, { headers: await target.headers?.() ?? {} })
  const text = await res.text()
  if (res.status !== 200) return `answered ${res.status}: ${text.slice(0, 200)}`
  const missing = target.expect.filter((s) => !text.includes(s))
  const unwanted = (target.reject ?? []).filter((s) => text.includes(s))
  if (missing.length > 0) return `answer lacks ${missing.map((s) => JSON.stringify(s)).join(', ')}`
  if (unwanted.length > 0) return `answer contains ${unwanted.map((s) => JSON.stringify(s)).join(', ')}`
  return undefined
}
