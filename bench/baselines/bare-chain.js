// @ts-check
// The ceiling for the page: productpage → details + reviews → ratings in bare node:http, one process per
// role as in the real stack. ROLE picks the part; KEEP_ALIVE=true pools outbound connections, otherwise
// every call opens a new connection (`Connection: close`), as productpage does by default.
// Bodies are the real services' bytes (passed in by the harness): DETAILS_BODY, RATINGS_BODY, REVIEWS_BODY.
import { Agent, createServer, request } from 'node:http'

const env = process.env
const agent = env.KEEP_ALIVE === 'true' ? new Agent({ keepAlive: true }) : false
// The trace header a real hop passes on; enough to make each call carry what the contract propagates.
const PROPAGATE = ['x-request-id', 'traceparent', 'user-agent']

/** @param {string} url @param {import('node:http').IncomingHttpHeaders} incoming @returns {Promise<unknown>} */
function getJson (url, incoming) {
  /** @type {Record<string, string>} */
  const headers = {}
  for (const name of PROPAGATE) {
    const value = incoming[name]
    if (typeof value === 'string') headers[name] = value
  }
  return new Promise((resolve) => {
    const req = request(url, { agent, headers, timeout: 3000 }, (res) => {
      /** @type {Buffer[]} */
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        try { resolve(res.statusCode === 200 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined) } catch { resolve(undefined) }
      })
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(undefined))
    req.end()
  })
}

/** @param {unknown} s */
function escape (s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** @type {Record<string, (req: import('node:http').IncomingMessage) => Promise<[string, string]>>} */
const roles = {
  details: async () => ['application/json', env.DETAILS_BODY ?? '{}'],
  ratings: async () => ['application/json', env.RATINGS_BODY ?? '{}'],
  async reviews (req) {
    const answer = /** @type {{ ratings?: Record<string, number> } | undefined} */ (await getJson(`${env.RATINGS_URL}/ratings/0`, req.headers))
    const body = JSON.parse(env.REVIEWS_BODY ?? '{"reviews":[]}')
    for (const review of body.reviews) {
      const stars = answer?.ratings?.[review.reviewer]
      review.rating = stars === undefined ? { error: 'Ratings service is currently unavailable' } : { stars, color: review.rating?.color ?? 'red' }
    }
    return ['application/json', JSON.stringify(body)]
  },
  async productpage (req) {
    const [details, reviews] = /** @type {[any, any]} */ (await Promise.all([
      getJson(`${env.DETAILS_URL}/details/0`, req.headers),
      getJson(`${env.REVIEWS_URL}/reviews/0`, req.headers),
    ]))
    const fields = details ? Object.entries(details).map(([k, v]) => `<dt>${escape(k)}</dt><dd>${escape(v)}</dd>`).join('') : '<p>Error fetching product details!</p>'
    const list = reviews
      ? reviews.reviews.map((/** @type {any} */ r) => `<blockquote><p>${escape(r.text)}</p><small>${escape(r.reviewer)}</small>` +
        `${'<span class="glyphicon glyphicon-star"></span>'.repeat(r.rating?.stars ?? 0)}</blockquote>`).join('')
      : '<p>Error fetching product reviews!</p>'
    const page = `<!DOCTYPE html><html><head><title>Simple Bookstore App</title>${env.PAGE_HEAD ?? ''}</head><body>` +
      `<h3>The Comedy of Errors</h3><dl>${fields}</dl>${list}<dl><dt>Reviews served by:</dt><dd>${escape(reviews?.podname)}</dd></dl></body></html>`
    return ['text/html; charset=utf-8', page]
  },
}

const role = roles[env.ROLE ?? '']
if (!role) throw new Error(`ROLE must be one of ${Object.keys(roles).join(', ')}`)

createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')
    return
  }
  role(req).then(([type, body]) => {
    res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body)
  }, () => { res.writeHead(500).end() })
}).listen(Number(env.PORT ?? 9080), env.HOST ?? '127.0.0.1')

process.on('SIGTERM', () => process.exit(0))
