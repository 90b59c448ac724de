export { startLocalStack, stackSpecs, DEFAULT_PORTS, ROOT, type LocalStack, type StackOptions, type StackPorts, type ReviewsVersion } from './stack.ts'
export { spawnLogged, waitHealthy, stopAll, type StackProcess, type ProcessSpec } from './processes.ts'
