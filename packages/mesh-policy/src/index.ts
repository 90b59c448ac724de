// What services import at start-up. The loader, the evaluator and the YAML parser are not re-exported: the
// plugin imports them on first use (plugin.ts), and anything reachable from here would be bundled into every
// service's start-up code even with the policy off. Tests import them from their files.
export { meshPolicyLayer, meshPolicyPlugin } from './plugin.ts'
export { meshPolicyServerOptions, normalizeRequestUrl, type MeshPolicyOptions } from './options.ts'
export { MESH_POLICY_ENV_PROPERTIES, meshPolicyOptionsFromEnv, MeshPolicyConfigError, type MeshPolicyEnv } from './env.ts'
export {
  PEER_HEADER, peerHeaders, createPeerAssertion, createPeerVerifier, serviceAccountPrincipal, PeerSecretError,
  type PeerAssertionOptions,
} from './peer.ts'
export { normalizeTarget, canonicalPath } from './request/normalize-path.ts'
export type * from './types.ts'
