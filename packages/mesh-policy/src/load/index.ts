export { PolicyLoadError } from './read.ts'
export { parsePolicies, emptyPolicySet } from './documents.ts'
export { loadPolicies } from './files.ts'
export { selectForWorkload } from './select.ts'
