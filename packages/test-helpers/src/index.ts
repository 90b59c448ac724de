export { getFreePort } from './ports.ts'
export { startProcess, startService, stopAll, type ManagedProcess, type StartOptions } from './process.ts'
export { startTestServer, type TestServer } from './http-server.ts'
