/**
 * Who may call what: the expected answer of every Bookinfo endpoint for every persona, under the YAML in
 * istio/security. authorization-matrix.test.ts checks each cell through the plugin; print-matrix.ts renders
 * this table for the README. Change a policy, and this table (and the README) must change with it.
 */

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

export interface MatrixRow {
  service: Service
  method: 'GET'
  path: string
  peer?: Peer
  expect: Record<Persona, number>
}

/** Every persona whose token fails RequestAuthentication (namespace-wide, so on every workload). */
const INVALID = { expired: 401, otherIssuer: 401, tampered: 401, algNone: 401, wrongAudience: 401 } as const

function row (service: Service, path: string, anonymous: number, user: number, moderator: number, peer?: Peer): MatrixRow {
  return { service, method: 'GET', path, peer, expect: { anonymous, user, moderator, ...INVALID } }
}

export const MATRIX: MatrixRow[] = [
  row('productpage', '/productpage', 200, 200, 200),
  row('productpage', '/api/v1/products/0', 200, 200, 200),
  row('productpage', '/health', 200, 200, 200),
  row('productpage', '/metrics', 200, 200, 200),
  row('details', '/details/0', 403, 200, 200),
  row('details', '/health', 200, 200, 200),
  row('details', '/metrics', 200, 200, 200),
  row('reviews', '/reviews/0', 403, 403, 200),
  row('reviews', '/health', 200, 200, 200),
  row('reviews', '/metrics', 200, 200, 200),
  row('ratings', '/ratings/0', 403, 403, 200, 'bookinfo-reviews'),
  row('ratings', '/ratings/0', 403, 403, 403, 'bookinfo-productpage'),
  row('ratings', '/ratings/0', 403, 403, 403),
  row('ratings', '/health', 200, 200, 200),
  row('ratings', '/metrics', 200, 200, 200),
]

/** The table as Markdown, for packages/mesh-policy/README.md. */
export function renderMatrixMarkdown (): string {
  const head = ['service', 'request', 'source principal', ...PERSONAS.map((p) => p.title)]
  const lines = [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...MATRIX.map((r) => `| ${[
      r.service,
      `\`${r.method} ${r.path}\``,
      r.peer ? `\`${r.peer}\`` : 'none',
      ...PERSONAS.map((p) => String(r.expect[p.id])),
    ].join(' | ')} |`),
    '',
    ...PERSONAS.map((p) => `- **${p.title}**: ${p.description}`),
  ]
  return lines.join('\n') + '\n'
}
