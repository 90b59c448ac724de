// The jwt_authn requirement Istio builds from all jwtRules that select a workload (its policy applier):
// one rule: "that rule, or no token at all"; several: "any one rule, or every rule finds either no token
// or a valid one". A failure answers with Envoy's aggregated status: real errors win over "issuer not
// configured", which wins over "no token".
import type { JwtRule } from '../types.ts'
import { keySourceFor, type KeySource, type RemoteKeyOptions } from './jwks.ts'
import type { TokenCarrier } from './locations.ts'
import { createProvider, type Provider, type VerifiedToken } from './provider.ts'
import type { JwtStatus } from './status.ts'

type Failure = Exclude<JwtStatus, 'ok'>

const ANONYMOUS: AuthnResult = { kind: 'anonymous' }

export type AuthnResult =
  | { kind: 'anonymous' }
  | { kind: 'authenticated', provider: Provider, verified: VerifiedToken[] }
  | { kind: 'rejected', status: Failure }

export interface Authenticator {
  providers: Provider[]
  /** Synchronous when no key has to be fetched and every token was verified before. */
  authenticate: (req: TokenCarrier) => AuthnResult | Promise<AuthnResult>
}

/** Envoy's RequiresAny aggregation over failed children: the last real error, else unknown issuer, else missing. */
function aggregate (statuses: Failure[]): Failure {
  let final: Failure = 'missed'
  for (const s of statuses) {
    if ((s !== 'missed' && s !== 'unknownIssuer') || final === 'missed') final = s
  }
  return final
}

export function createAuthenticator (rules: JwtRule[], opts: RemoteKeyOptions): Authenticator {
  const shared = new Map<string, KeySource>()
  // Istio sorts the rules by issuer to build the providers.
  const providers = [...rules].sort((a, b) => (a.issuer < b.issuer ? -1 : a.issuer > b.issuer ? 1 : 0))
    .map((rule) => createProvider(rule, keySourceFor(rule, opts, shared)))

  function conclude (statuses: Failure[]): AuthnResult {
    // Each rule either found no token or failed: "no token anywhere" is anonymous, anything else fails.
    const firstError = statuses.find((s) => s !== 'missed')
    if (firstError === undefined) return ANONYMOUS
    return { kind: 'rejected', status: providers.length === 1 ? firstError : aggregate([...statuses, firstError]) }
  }

  /** The providers in order from `start`: synchronous as long as they answer synchronously. */
  function run (req: TokenCarrier, start: number, statuses: Failure[]): AuthnResult | Promise<AuthnResult> {
    for (let i = start; i < providers.length; i++) {
      const provider = providers[i] as Provider
      const result = provider.verify(req)
      if (result instanceof Promise) {
        return result.then((r) => (r.status === 'ok' ? { kind: 'authenticated', provider, verified: r.verified } : run(req, i + 1, [...statuses, r.status])))
      }
      if (result.status === 'ok') return { kind: 'authenticated', provider, verified: result.verified }
      statuses.push(result.status)
    }
    return conclude(statuses)
  }

  return { providers, authenticate: (req) => (providers.length === 0 ? ANONYMOUS : run(req, 0, [])) }
}
