// Shared by the plugin tests: the bundled IdP's issuer and audience, a loopback JWKS, options for a
// workload of istio/security, and a raw GET that sends the request target byte for byte.
import { connect } from 'node:net'
import type { TestServer } from '@bookinfo/test-helpers'
import type { MeshPolicyOptions } from '../src/index.ts'
import { createIssuer, SECURITY_DIR, startJwksServer, type TestIssuer } from './helpers.ts'

export const ISSUER = 'http://localhost:9090/'
export const AUDIENCE = 'https://bookinfo.io'
export const SECRET = 'a-peer-secret-of-at-least-32-characters'

export interface PluginFixture {
  idp: TestIssuer
  jwks: TestServer
  options: (app: string, over?: Partial<MeshPolicyOptions>) => MeshPolicyOptions
  moderatorToken: () => Promise<string>
}

export async function pluginFixture (): Promise<PluginFixture> {
  const idp = await createIssuer(ISSUER, 'idp-key')
  const jwks = await startJwksServer([idp.jwk])
  return {
    idp,
    jwks,
    options: (app, over = {}) => ({
      enabled: true,
      files: [SECURITY_DIR],
      workload: { namespace: 'bookinfo', labels: { app, version: 'v1' } },
      jwksUri: `${jwks.url}/.well-known/jwks.json`,
      peerSecret: SECRET,
      ...over,
    }),
    moderatorToken: async () => idp.sign({ sub: 'mod@bookinfo.com', permissions: ['read:book-details', 'read:book-reviews'] }, { audience: AUDIENCE }),
  }
}

/** `<status> <body>` of a GET with the request target sent byte for byte. */
export async function rawGet (port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
    })
    let data = ''
    socket.on('data', (d) => { data += String(d) })
    socket.on('end', () => resolve(`${data.split(' ')[1] ?? ''} ${data.split('\r\n\r\n')[1] ?? ''}`))
    socket.on('error', reject)
  })
}
