import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface TestServer {
  url: string
  port: number
  /** Requests seen so far (method, url, headers). */
  requests: Array<{ method: string, url: string, headers: IncomingMessage['headers'] }>
  close: () => Promise<void>
}

/** A real HTTP server on loopback, for tests that need a slow, failing or recording backend. */
export async function startTestServer (handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>): Promise<TestServer> {
  const requests: TestServer['requests'] = []
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
    Promise.resolve(handler(req, res)).catch(() => { res.statusCode = 500; res.end() })
  })
  return { ...(await serveOnLoopback(server)), requests }
}

/** Listens on 127.0.0.1 (`port` 0: any free one); `close` also drops open connections. A taken port is named. */
export async function serveOnLoopback (server: Server, port = 0): Promise<{ url: string, port: number, close: () => Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`cannot listen on 127.0.0.1:${port}: ${err.code ?? err.message}`)))
    server.listen(port, '127.0.0.1', resolve)
  })
  const address = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
