// Istio's admission checks on the values of an AuthorizationPolicy (its validation webhook refuses the
// same inputs, so a policy that loads here would also be accepted by a cluster).
import { isIP } from 'node:net'
import { fail, child, type At } from './read.ts'

/** A single IP (`203.0.113.4`) or a CIDR block (`203.0.113.0/24`), IPv4 or IPv6. */
export function checkIpBlocks (values: string[] | undefined, at: At): void {
  values?.forEach((value, i) => {
    const [address = '', prefix, extra] = value.split('/')
    const family = isIP(address)
    const max = family === 6 ? 128 : 32
    const badPrefix = prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max)
    if (family === 0 || badPrefix || extra !== undefined) fail(child(at, i), `"${value}" is not an IP address or CIDR block`)
  })
}

export function checkPorts (values: string[] | undefined, at: At): void {
  values?.forEach((value, i) => {
    if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) fail(child(at, i), `"${value}" is not a port (0-65535)`)
  })
}

/** `<namespace>/<serviceaccount>` or `<serviceaccount>` (the policy's namespace); no wildcard. */
export function checkServiceAccounts (values: string[] | undefined, at: At): void {
  if (values && values.length > 16) fail(at, 'may not have more than 16 values')
  values?.forEach((value, i) => {
    const parts = value.split('/')
    if (value.includes('*')) fail(child(at, i), `"${value}": wildcards are not allowed in service accounts`)
    if (parts.length > 2 || parts.some((p) => p === '') || value.length > 320) {
      fail(child(at, i), `"${value}": expected 'serviceAccount' or 'namespace/serviceAccount'`)
    }
  })
}

/** At most one `*`, at the start or the end, and no `/`. */
export function checkTrustDomains (values: string[] | undefined, at: At): void {
  values?.forEach((value, i) => {
    const stars = value.split('*').length - 1
    if (stars > 1 || (stars === 1 && value !== '*' && !value.startsWith('*') && !value.endsWith('*'))) {
      fail(child(at, i), `"${value}": one wildcard is allowed, at the start or the end`)
    }
    if (value.includes('/')) fail(child(at, i), `"${value}": a trust domain has no '/'`)
  })
}

const TEMPLATE_LITERAL = /^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/

export function hasPathTemplate (path: string): boolean {
  return path.includes('{*}') || path.includes('{**}')
}

/** `{*}` and `{**}` as whole segments, `{**}` last, and only valid literals elsewhere (Istio's rules). */
export function checkPathTemplates (values: string[] | undefined, at: At): void {
  values?.forEach((value, i) => {
    const template = hasPathTemplate(value)
    let sawAny = false
    for (const segment of value.replace(/^\/+|\/+$/g, '').split('/')) {
      if ((segment === '{*}' || segment === '{**}') && !sawAny) {
        sawAny = segment === '{**}'
        continue
      }
      if (segment === '{*}' || segment === '{**}') fail(child(at, i), `"${value}": {**} must be the last operator`)
      if (/[{}]/.test(segment)) fail(child(at, i), `"${value}": '{' or '}' outside {*} or {**}`)
      if (template && !TEMPLATE_LITERAL.test(segment)) fail(child(at, i), `"${value}": invalid literal "${segment}" in a path template`)
    }
  })
}
