export { startLocalStack, stackSpecs, DEFAULT_PORTS, ROOT, type LocalStack, type StackOptions, type StackPorts, type ReviewsVersion, type ProcessSpec, type StackProcess } from './stack.ts'
