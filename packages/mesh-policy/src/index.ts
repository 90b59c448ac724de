export { meshPolicyLayer, meshPolicyPlugin } from './plugin.ts'
export { meshPolicyServerOptions, normalizeRequestUrl, type MeshPolicyOptions } from './options.ts'
export { sourcePrincipalTreatment } from './runtime.ts'
export { MESH_POLICY_ENV_PROPERTIES, meshPolicyOptionsFromEnv, MeshPolicyConfigError, type MeshPolicyEnv } from './env.ts'
export {
  PEER_HEADER, peerHeaders, createPeerAssertion, createPeerVerifier, serviceAccountPrincipal, PeerSecretError,
  type PeerAssertionOptions,
} from './peer.ts'
export { loadPolicies, parsePolicies, selectForWorkload, PolicyLoadError } from './load/index.ts'
export { normalizeTarget, canonicalPath } from './request/normalize-path.ts'
export type * from './types.ts'
