import { createServer, request, type IncomingMessage } from 'node:http'
import { serveOnLoopback } from './http-server.ts'

export interface ProxyServer {
  url: string
  port: number
  /** Requests that came through (method, url). */
  requests: Array<{ method: string, url: string }>
  close: () => Promise<void>
}

export interface ProxyOptions {
  /** Requests for which this returns true are accepted and never answered (a stalled upstream). */
  stall?: (req: IncomingMessage) => boolean
  /** Listen on this port (default: any free one), e.g. to bring back an address that was down. */
  port?: number
}

/**
 * A loopback reverse proxy in front of a real server, passing requests and answers through unchanged
 * (headers, Set-Cookie, Location). OIDC tests put it where the public issuer is, so that what the browser
 * reaches (the proxy) and what productpage calls on the back channel (the IdP itself) are told apart; with
 * `stall` it plays a back channel that accepts a connection and never answers.
 */
export async function startReverseProxy (target: string, opts: ProxyOptions = {}): Promise<ProxyServer> {
  const upstream = new URL(target)
  const requests: ProxyServer['requests'] = []
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' })
    if (opts.stall?.(req) === true) {
      req.resume()
      return
    }
    const forward = request({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
      agent: false,
    }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders)
      answer.pipe(res)
    })
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
    req.pipe(forward)
  })
  return { ...(await serveOnLoopback(server, opts.port)), requests }
}
