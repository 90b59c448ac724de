// Computes the authorization matrix of README.md: every persona against every Bookinfo endpoint, through
// the plugin, from the repository's istio/security YAML, on small Fastify apps labelled as each
// workload, with real RS256 tokens and a loopback JWKS server. Test tooling: nothing in src/ uses it.
import { peerHeaders, serviceAccountPrincipal } from '../../src/index.ts'
import { createIssuer, policyApp, SECURITY_DIR, startJwksServer, tamper, unsignedToken } from '../helpers.ts'

export const PERSONAS = [
  { id: 'anonymous', title: 'anonymous', description: 'no token' },
  { id: 'user', title: 'user', description: 'valid token, role `user`: permissions `read:book-details`' },
  { id: 'moderator', title: 'moderator', description: 'valid token, role `moderator`: `read:book-details`, `read:book-reviews`' },
  { id: 'expired', title: 'expired', description: 'moderator token that expired an hour ago' },
  { id: 'otherIssuer', title: 'other issuer', description: 'moderator claims from an issuer that request-authentication.yaml does not name' },
  { id: 'tampered', title: 'tampered', description: 'user token whose payload was edited to add `read:book-reviews`' },
  { id: 'algNone', title: 'alg none', description: 'moderator claims, unsigned (`alg: none`)' },
  { id: 'wrongAudience', title: 'wrong audience', description: 'moderator token for another API than `https://bookinfo.io`' },
] as const

export type Persona = typeof PERSONAS[number]['id']
export type Service = 'productpage' | 'details' | 'reviews' | 'ratings'
/** The service account whose peer assertion goes with the request (its source principal), if any. */
export type Peer = 'bookinfo-productpage' | 'bookinfo-reviews'

export interface MatrixRequest { service: Service, path: string, peer?: Peer }
export interface MatrixRow extends MatrixRequest { status: Record<Persona, number> }

export const REQUESTS: MatrixRequest[] = [
  ...['/productpage', '/api/v1/products/0', '/health', '/metrics'].map((path) => ({ service: 'productpage' as const, path })),
  ...['/details/0', '/health', '/metrics'].map((path) => ({ service: 'details' as const, path })),
  ...['/reviews/0', '/health', '/metrics'].map((path) => ({ service: 'reviews' as const, path })),
  { service: 'ratings', path: '/ratings/0', peer: 'bookinfo-reviews' },
  { service: 'ratings', path: '/ratings/0', peer: 'bookinfo-productpage' },
  { service: 'ratings', path: '/ratings/0' },
  { service: 'ratings', path: '/health' },
  { service: 'ratings', path: '/metrics' },
]

// The issuer and audience of istio/security/request-authentication.yaml; only the JWKS address is
// pointed at the test server (the override a local run uses for the IdP's back-channel address).
const ISSUER = 'http://localhost:9090/'
const AUDIENCE = 'https://bookinfo.io'
const SECRET = 'matrix-peer-secret-of-at-least-32-chars'
const WORKLOADS: Record<Service, Record<string, string>> = {
  productpage: { app: 'productpage', version: 'v1' },
  details: { app: 'details', version: 'v1' },
  reviews: { app: 'reviews', version: 'v2' },
  ratings: { app: 'ratings', version: 'v1' },
}

async function personaTokens (): Promise<{ tokens: Record<Persona, string | undefined>, jwk: object }> {
  const idp = await createIssuer(ISSUER, 'idp-key')
  const stranger = await createIssuer('https://stranger.invalid/', 'stranger-key')
  const now = Math.floor(Date.now() / 1000)
  const userClaims = { sub: 'user@bookinfo.com', permissions: ['read:book-details'] }
  const modClaims = { sub: 'mod@bookinfo.com', permissions: ['read:book-details', 'read:book-reviews'] }
  const user = await idp.sign(userClaims, { audience: AUDIENCE })
  return {
    jwk: idp.jwk,
    tokens: {
      anonymous: undefined,
      user,
      moderator: await idp.sign(modClaims, { audience: AUDIENCE }),
      expired: await idp.sign(modClaims, { audience: AUDIENCE, expiresIn: now - 3600 }),
      otherIssuer: await stranger.sign(modClaims, { audience: AUDIENCE }),
      tampered: tamper(user, { ...modClaims, iss: ISSUER, aud: AUDIENCE, exp: now + 300 }),
      algNone: unsignedToken({ ...modClaims, iss: ISSUER, aud: AUDIENCE, exp: now + 300 }),
      wrongAudience: await idp.sign(modClaims, { audience: 'https://other-api.invalid' }),
    },
  }
}

export async function computeMatrix (): Promise<MatrixRow[]> {
  const { tokens, jwk } = await personaTokens()
  const jwks = await startJwksServer([jwk as never])
  const apps = await Promise.all(Object.entries(WORKLOADS).map(async ([service, labels]) => [service, (await policyApp({
    enabled: true, files: [SECURITY_DIR], workload: { namespace: 'bookinfo', labels }, jwksUri: `${jwks.url}/.well-known/jwks.json`, peerSecret: SECRET,
  })).app] as const))
  try {
    const app = Object.fromEntries(apps)
    const rows: MatrixRow[] = []
    for (const r of REQUESTS) {
      const status = {} as Record<Persona, number>
      for (const { id } of PERSONAS) {
        const token = tokens[id]
        const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
        if (r.peer) Object.assign(headers, await peerHeaders({ secret: SECRET, principal: serviceAccountPrincipal('bookinfo', r.peer), audience: r.service }))
        status[id] = (await app[r.service]!.inject({ method: 'GET', url: r.path, headers })).statusCode
      }
      rows.push({ ...r, status })
    }
    return rows
  } finally {
    await Promise.all(apps.map(([, a]) => a.close()))
    await jwks.close()
  }
}

/** The table as Markdown, for packages/mesh-policy/README.md and the root README. */
export function renderMatrixMarkdown (rows: MatrixRow[]): string {
  const head = ['service', 'request', 'source principal', ...PERSONAS.map((p) => p.title)]
  const lines = [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${[r.service, `\`GET ${r.path}\``, r.peer ? `\`${r.peer}\`` : 'none', ...PERSONAS.map((p) => String(r.status[p.id]))].join(' | ')} |`),
    '',
    ...PERSONAS.map((p) => `- **${p.title}**: ${p.description}`),
  ]
  return lines.join('\n') + '\n'
}
