// AuthorizationPolicy semantics, each case naming the rule of the reference page it checks:
// https://istio.io/latest/docs/reference/config/security/authorization-policy/ ("AP") and
// https://istio.io/latest/docs/reference/config/security/conditions/ ("Conditions").
import { describe, expect, it } from 'vitest'
import { authorize, fieldMatches, matchValue, parsePolicies, type AuthorizationPolicy, type RequestAttributes } from '../src/index.ts'

function policies (...specs: string[]): AuthorizationPolicy[] {
  const text = specs.map((spec, i) => `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: p${i}\nspec:\n${spec}`).join('\n---\n')
  return parsePolicies(text, 'test.yaml').authorizationPolicies
}

function req (over: Partial<RequestAttributes> = {}): RequestAttributes {
  return { method: 'GET', path: '/details/0', headers: {}, ...over }
}

function auth (claims: Record<string, unknown>): RequestAttributes['auth'] {
  const aud = claims.aud
  return {
    principal: `${String(claims.iss)}/${String(claims.sub)}`,
    claims,
    audiences: typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [],
    presenter: typeof claims.azp === 'string' ? claims.azp : undefined,
  }
}

const allowed = (ps: AuthorizationPolicy[], r: RequestAttributes): boolean => authorize(ps, r).allowed

describe('value matching (AP: "Exact, Prefix, Suffix and Presence match")', () => {
  it.each([
    ['abc', 'abc', true], ['abc', 'abcd', false],
    ['abc*', 'abc', true], ['abc*', 'abcd', true], ['abc*', 'xabc', false],
    ['*abc', 'xabc', true], ['*abc', 'abcx', false],
    ['*', 'anything', true], ['*', '', false],
  ])('%s against %j → %s', (pattern, value, expected) => {
    expect(matchValue(pattern, value)).toBe(expected)
  })

  it('an absent attribute matches no positive pattern and is excluded by no negative one', () => {
    expect(fieldMatches(['*'], undefined, undefined)).toBe(false)
    expect(fieldMatches(undefined, ['*'], undefined)).toBe(true)
    expect(fieldMatches(['a'], ['b'], ['a'])).toBe(true)
    expect(fieldMatches(['a*'], ['ab'], ['ab'])).toBe(false)
  })
})

describe('evaluation order (AP: CUSTOM, then DENY, then ALLOW)', () => {
  it('no policy on the workload: the request is allowed', () => {
    expect(authorize([], req())).toEqual({ allowed: true })
  })

  it('"If there are any DENY policies that match the request, deny the request" — even when an ALLOW matches', () => {
    const ps = policies(
      '  action: ALLOW\n  rules: [{}]',
      '  action: DENY\n  rules:\n  - to:\n    - operation:\n        methods: ["DELETE"]'
    )
    expect(allowed(ps, req({ method: 'DELETE' }))).toBe(false)
    expect(authorize(ps, req({ method: 'DELETE' }))).toMatchObject({ reason: expect.stringContaining('DENY p1') })
    expect(allowed(ps, req({ method: 'GET' }))).toBe(true)
  })

  it('"If there are no ALLOW policies for the workload, allow the request": a DENY-only workload allows the rest', () => {
    const ps = policies('  action: DENY\n  rules:\n  - to:\n    - operation:\n        paths: ["/admin*"]')
    expect(allowed(ps, req({ path: '/admin/x' }))).toBe(false)
    expect(allowed(ps, req({ path: '/details/0' }))).toBe(true)
  })

  it('"If any of the ALLOW policies match the request, allow the request"; otherwise deny', () => {
    const ps = policies(
      '  rules:\n  - to:\n    - operation:\n        paths: ["/a"]',
      '  rules:\n  - to:\n    - operation:\n        paths: ["/b"]'
    )
    expect(allowed(ps, req({ path: '/b' }))).toBe(true)
    expect(allowed(ps, req({ path: '/c' }))).toBe(false)
  })

  it('allow-nothing (empty spec) denies every request; `rules: [{}]` allows every request', () => {
    expect(allowed(policies('  {}'), req())).toBe(false)
    expect(allowed(policies('  rules: [{}]'), req({ method: 'POST', path: '/anything' }))).toBe(true)
    expect(allowed(policies('  {}', '  rules: [{}]'), req())).toBe(true)
  })
})

describe('rules (AP: "A match occurs when at least one source, one operation and all conditions matches")', () => {
  const rule = policies([
    '  rules:',
    '  - from:',
    '    - source:',
    '        requestPrincipals: ["https://idp/*"]',
    '    to:',
    '    - operation:',
    '        methods: ["GET"]',
    '    when:',
    '    - key: request.auth.claims[permissions]',
    '      values: ["read:book-details"]',
  ].join('\n'))
  const user = auth({ iss: 'https://idp', sub: 'u1', permissions: ['read:book-details'] })

  it('from AND to AND when must all match', () => {
    expect(allowed(rule, req({ auth: user }))).toBe(true)
    expect(allowed(rule, req({ auth: user, method: 'POST' }))).toBe(false)
    expect(allowed(rule, req({ auth: auth({ iss: 'https://other', sub: 'u1', permissions: ['read:book-details'] }) }))).toBe(false)
    expect(allowed(rule, req({ auth: auth({ iss: 'https://idp', sub: 'u1', permissions: [] }) }))).toBe(false)
  })

  it('entries of `from` and of `to` are ORed; conditions of `when` are ANDed', () => {
    const ps = policies([
      '  rules:',
      '  - to:',
      '    - operation:',
      '        paths: ["/a"]',
      '    - operation:',
      '        paths: ["/b"]',
      '    when:',
      '    - key: request.headers[x-one]',
      '      values: ["1"]',
      '    - key: request.headers[x-two]',
      '      values: ["2"]',
    ].join('\n'))
    expect(allowed(ps, req({ path: '/b', headers: { 'x-one': '1', 'x-two': '2' } }))).toBe(true)
    expect(allowed(ps, req({ path: '/b', headers: { 'x-one': '1' } }))).toBe(false)
  })

  it('the rules of one policy are ORed', () => {
    const ps = policies('  rules:\n  - to:\n    - operation:\n        paths: ["/a"]\n  - to:\n    - operation:\n        paths: ["/b"]')
    expect(allowed(ps, req({ path: '/a' }))).toBe(true)
    expect(allowed(ps, req({ path: '/b' }))).toBe(true)
    expect(allowed(ps, req({ path: '/c' }))).toBe(false)
  })

  it('fields inside one source are ANDed (principals AND requestPrincipals, as ratings-policy.yaml uses)', () => {
    const ps = policies('  rules:\n  - from:\n    - source:\n        principals: ["cluster.local/ns/bookinfo/sa/bookinfo-reviews"]\n        requestPrincipals: ["*"]')
    const sa = 'cluster.local/ns/bookinfo/sa/bookinfo-reviews'
    expect(allowed(ps, req({ sourcePrincipal: sa, auth: user }))).toBe(true)
    expect(allowed(ps, req({ sourcePrincipal: sa }))).toBe(false)
    expect(allowed(ps, req({ auth: user }))).toBe(false)
  })
})

describe('operations (AP: Operation)', () => {
  const ps = (op: string): AuthorizationPolicy[] => policies(`  rules:\n  - to:\n    - operation:\n${op}`)

  it('methods / notMethods', () => {
    expect(allowed(ps('        methods: ["GET", "HEAD"]'), req({ method: 'HEAD' }))).toBe(true)
    expect(allowed(ps('        methods: ["GET"]'), req({ method: 'POST' }))).toBe(false)
    expect(allowed(ps('        notMethods: ["POST"]'), req({ method: 'GET' }))).toBe(true)
    expect(allowed(ps('        notMethods: ["POST"]'), req({ method: 'POST' }))).toBe(false)
  })

  it('paths: exact, prefix (`/api*`), suffix (`*.css`), presence (`*`)', () => {
    expect(allowed(ps('        paths: ["/health"]'), req({ path: '/health' }))).toBe(true)
    expect(allowed(ps('        paths: ["/health"]'), req({ path: '/health/x' }))).toBe(false)
    expect(allowed(ps('        paths: ["/api/v1/products*"]'), req({ path: '/api/v1/products/0/reviews' }))).toBe(true)
    expect(allowed(ps('        paths: ["/api/v1/products*"]'), req({ path: '/api/v2/products' }))).toBe(false)
    expect(allowed(ps('        paths: ["*.css"]'), req({ path: '/static/site.css' }))).toBe(true)
    expect(allowed(ps('        paths: ["*.css"]'), req({ path: '/static/site.js' }))).toBe(false)
    expect(allowed(ps('        paths: ["*"]'), req({ path: '/x' }))).toBe(true)
  })

  it('notPaths excludes; paths and notPaths together must both hold', () => {
    const p = ps('        paths: ["/api*"]\n        notPaths: ["/api/admin*"]')
    expect(allowed(p, req({ path: '/api/books' }))).toBe(true)
    expect(allowed(p, req({ path: '/api/admin/x' }))).toBe(false)
  })
})

describe('sources (AP: Source)', () => {
  const ps = (src: string): AuthorizationPolicy[] => policies(`  rules:\n  - from:\n    - source:\n${src}`)
  const jason = auth({ iss: 'http://localhost:9090/', sub: 'jason' })

  it('requestPrincipals in `<iss>/<sub>` form, with prefix match, and `*` for "any valid JWT"', () => {
    expect(allowed(ps('        requestPrincipals: ["http://localhost:9090//jason"]'), req({ auth: jason }))).toBe(true)
    expect(allowed(ps('        requestPrincipals: ["http://localhost:9090//*"]'), req({ auth: jason }))).toBe(true)
    expect(allowed(ps('        requestPrincipals: ["http://localhost:9090//mod"]'), req({ auth: jason }))).toBe(false)
    expect(allowed(ps('        requestPrincipals: ["*"]'), req({ auth: jason }))).toBe(true)
    expect(allowed(ps('        requestPrincipals: ["*"]'), req())).toBe(false)
  })

  it('notRequestPrincipals ["*"] selects requests without a token (the documented "require JWT" DENY)', () => {
    const deny = policies('  action: DENY\n  rules:\n  - from:\n    - source:\n        notRequestPrincipals: ["*"]')
    expect(allowed(deny, req())).toBe(false)
    expect(allowed(deny, req({ auth: jason }))).toBe(true)
  })

  it('principals / notPrincipals match the source principal; absent, principals never match', () => {
    const sa = 'cluster.local/ns/bookinfo/sa/bookinfo-productpage'
    expect(allowed(ps('        principals: ["cluster.local/ns/bookinfo/sa/*"]'), req({ sourcePrincipal: sa }))).toBe(true)
    expect(allowed(ps('        principals: ["*"]'), req())).toBe(false)
    expect(allowed(ps('        notPrincipals: ["*bookinfo-productpage"]'), req({ sourcePrincipal: sa }))).toBe(false)
    expect(allowed(ps('        notPrincipals: ["*bookinfo-productpage"]'), req())).toBe(true)
  })
})

describe('conditions (Conditions page)', () => {
  const ps = (cond: string): AuthorizationPolicy[] => policies(`  rules:\n  - when:\n    - key: ${cond}`)

  it('a list-typed claim matches when any element matches (authz-jwt task: "list-of-string typed JWT claims")', () => {
    const p = ps('request.auth.claims[permissions]\n      values: ["read:book-reviews"]')
    expect(allowed(p, req({ auth: auth({ iss: 'i', sub: 's', permissions: ['read:book-details', 'read:book-reviews'] }) }))).toBe(true)
    expect(allowed(p, req({ auth: auth({ iss: 'i', sub: 's', permissions: ['read:book-details'] }) }))).toBe(false)
    expect(allowed(p, req({ auth: auth({ iss: 'i', sub: 's', permissions: 'read:book-reviews' }) }))).toBe(true)
    expect(allowed(p, req())).toBe(false)
  })

  it('nested claims: request.auth.claims[a][b]', () => {
    const p = ps('request.auth.claims[realm_access][roles]\n      values: ["admin"]')
    expect(allowed(p, req({ auth: auth({ iss: 'i', sub: 's', realm_access: { roles: ['user', 'admin'] } }) }))).toBe(true)
    expect(allowed(p, req({ auth: auth({ iss: 'i', sub: 's', realm_access: { roles: ['user'] } }) }))).toBe(false)
    expect(allowed(p, req({ auth: auth({ iss: 'i', sub: 's', realm_access: 'admin' }) }))).toBe(false)
  })

  it('non-string claims never match', () => {
    const p = ps('request.auth.claims[email_verified]\n      values: ["true"]')
    expect(allowed(p, req({ auth: auth({ iss: 'i', sub: 's', email_verified: true }) }))).toBe(false)
  })

  it('notValues: matches when no value matches, including an absent attribute; list claims exclude on any element', () => {
    const p = ps('request.auth.claims[permissions]\n      notValues: ["banned"]')
    expect(allowed(p, req({ auth: auth({ iss: 'i', sub: 's', permissions: ['read'] }) }))).toBe(true)
    expect(allowed(p, req({ auth: auth({ iss: 'i', sub: 's', permissions: ['read', 'banned'] }) }))).toBe(false)
    expect(allowed(p, req())).toBe(true)
  })

  it('values and notValues together', () => {
    const p = ps('request.headers[user-agent]\n      values: ["Mozilla/*"]\n      notValues: ["*Bot*"]')
    expect(allowed(p, req({ headers: { 'user-agent': 'Mozilla/5.0' } }))).toBe(true)
    expect(allowed(p, req({ headers: { 'user-agent': 'curl/8' } }))).toBe(false)
  })

  it('request.headers[...] is case-insensitive in the name; several values are joined with commas', () => {
    const p = ps('request.headers[End-User]\n      values: ["jason"]')
    expect(allowed(p, req({ headers: { 'end-user': 'jason' } }))).toBe(true)
    expect(allowed(p, req({ headers: {} }))).toBe(false)
    const joined = ps('request.headers[x-multi]\n      values: ["a,b"]')
    expect(allowed(joined, req({ headers: { 'x-multi': ['a', 'b'] } }))).toBe(true)
  })

  it('request.auth.principal, request.auth.audiences (string or list aud), request.auth.presenter (azp)', () => {
    const claims = { iss: 'https://idp/', sub: 'u1', aud: ['https://bookinfo.io', 'https://idp/userinfo'], azp: 'client-1' }
    expect(allowed(ps('request.auth.principal\n      values: ["https://idp//u1"]'), req({ auth: auth(claims) }))).toBe(true)
    expect(allowed(ps('request.auth.audiences\n      values: ["https://bookinfo.io"]'), req({ auth: auth(claims) }))).toBe(true)
    expect(allowed(ps('request.auth.audiences\n      values: ["https://bookinfo.io"]'), req({ auth: auth({ ...claims, aud: 'https://bookinfo.io' }) }))).toBe(true)
    expect(allowed(ps('request.auth.audiences\n      values: ["other"]'), req({ auth: auth(claims) }))).toBe(false)
    expect(allowed(ps('request.auth.presenter\n      values: ["client-1"]'), req({ auth: auth(claims) }))).toBe(true)
    expect(allowed(ps('request.auth.presenter\n      values: ["client-2"]'), req({ auth: auth(claims) }))).toBe(false)
  })

  it('source.principal', () => {
    const p = ps('source.principal\n      values: ["cluster.local/ns/bookinfo/sa/bookinfo-reviews"]')
    expect(allowed(p, req({ sourcePrincipal: 'cluster.local/ns/bookinfo/sa/bookinfo-reviews' }))).toBe(true)
    expect(allowed(p, req())).toBe(false)
  })
})
