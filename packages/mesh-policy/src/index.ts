export { meshPolicyPlugin, sourcePrincipalTreatment, type MeshPolicyOptions } from './plugin.ts'
export { MESH_POLICY_ENV_PROPERTIES, meshPolicyOptionsFromEnv, MeshPolicyConfigError, type MeshPolicyEnv } from './env.ts'
export {
  PEER_HEADER, peerHeaders, createPeerAssertion, createPeerVerifier, serviceAccountPrincipal, PeerSecretError,
  type PeerAssertionOptions,
} from './peer.ts'
export { loadPolicies, parsePolicies, selectForWorkload, PolicyLoadError } from './load.ts'
export { authorize, ruleMatches, type Decision, type RequestAttributes } from './authz.ts'
export { createJwtAuthenticator, extractToken, JWT_ALGORITHMS, type AuthnResult, type JwtAuthenticator, type JwtIdentity, type JwksOptions } from './jwt.ts'
export { matchValue, fieldMatches } from './match.ts'
export { parseTarget } from './path.ts'
export type * from './types.ts'
