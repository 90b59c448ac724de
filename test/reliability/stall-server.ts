// A dependency that accepts connections, reads the request and never answers (a hung backend or JWKS
// endpoint), counting the connections it holds: sockets a client forgot to close stay counted.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

export interface StallServer {
  port: number
  url: string
  /** Connections open right now. */
  openConnections: () => number
  /** Connections accepted so far. */
  accepted: () => number
  /** Requests received so far, by path. */
  requests: () => Record<string, number>
  /** From now on, answer instead of stalling (the dependency recovers). */
  answerWith: (handler: (req: IncomingMessage, res: ServerResponse) => void) => void
  close: () => Promise<void>
}

export async function startStallServer (): Promise<StallServer> {
  const open = new Set<Socket>()
  let accepted = 0
  let answer: ((req: IncomingMessage, res: ServerResponse) => void) | undefined
  const requests: Record<string, number> = {}
  // No server-side timeouts: only the client may end a stalled request.
  const server = createServer({ requestTimeout: 0, headersTimeout: 0, keepAliveTimeout: 0 }, (req, res) => {
    requests[req.url ?? ''] = (requests[req.url ?? ''] ?? 0) + 1
    req.resume()
    answer?.(req, res)
  })
  server.on('connection', (socket: Socket) => {
    accepted++
    open.add(socket)
    socket.on('close', () => open.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    openConnections: () => open.size,
    accepted: () => accepted,
    requests: () => ({ ...requests }),
    answerWith: (handler) => { answer = handler },
    close: async () => {
      for (const socket of open) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
