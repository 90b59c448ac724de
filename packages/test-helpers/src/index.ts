export { getFreePort } from './ports.ts'
export { startProcess, startService, type ManagedProcess, type StartOptions } from './process.ts'
export { startTestServer, type TestServer } from './http-server.ts'
