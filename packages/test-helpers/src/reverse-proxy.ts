import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import { serveOnLoopback } from './http-server.ts'

export interface ProxyServer {
  url: string
  port: number
  /** Requests that came through (method, url). */
  requests: Array<{ method: string, url: string }>
  /** With `captureTokens`: every access, ID and refresh token the token endpoint handed out, so far. */
  tokens: () => string[]
  close: () => Promise<void>
}

export interface ProxyOptions {
  /** Requests for which this returns true are accepted and never answered (a stalled upstream). */
  stall?: (req: IncomingMessage) => boolean
  /** Listen on this port (default: any free one), e.g. to bring back an address that was down. */
  port?: number
  /** Read the answers of `POST /oauth/token` on the way and keep the tokens they carry. */
  captureTokens?: boolean
  /** Answer the captured tokens as a JSON list at this path (for a test in another process); never forwarded. */
  tokensPath?: string
}

const TOKEN_FIELDS = ['access_token', 'id_token', 'refresh_token'] as const

function keepTokens (body: Buffer, into: Set<string>): void {
  try {
    const answer = JSON.parse(body.toString('utf8')) as Record<string, unknown>
    for (const field of TOKEN_FIELDS) {
      const value = answer[field]
      if (typeof value === 'string' && value !== '') into.add(value)
    }
  } catch {}
}

/** Sends the upstream's answer on unchanged; when `capture` is given, also hands it the whole body at the end. */
function relay (answer: IncomingMessage, res: ServerResponse, capture?: (body: Buffer) => void): void {
  res.writeHead(answer.statusCode ?? 502, answer.rawHeaders)
  if (capture === undefined) {
    answer.pipe(res)
    return
  }
  const chunks: Buffer[] = []
  answer.on('data', (chunk: Buffer) => { chunks.push(chunk); res.write(chunk) })
  answer.on('end', () => { res.end(); capture(Buffer.concat(chunks)) })
}

/**
 * A loopback reverse proxy in front of a real server, passing requests and answers through unchanged
 * (headers, Set-Cookie, Location) and recording what came through. OIDC tests put it where the public issuer
 * is, so that what the browser reaches (the proxy) and what productpage calls on the back channel (the IdP
 * itself) are told apart; with `stall` it plays a back channel that never answers; with `captureTokens` it
 * sits on productpage's back channel and keeps the tokens productpage received, for the leak checks.
 */
export async function startReverseProxy (target: string, opts: ProxyOptions = {}): Promise<ProxyServer> {
  const upstream = new URL(target)
  const requests: ProxyServer['requests'] = []
  const captured = new Set<string>()
  const server = createServer((req, res) => {
    if (opts.tokensPath !== undefined && req.url === opts.tokensPath) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([...captured]))
      return
    }
    requests.push({ method: req.method ?? '', url: req.url ?? '' })
    if (opts.stall?.(req) === true) {
      req.resume()
      return
    }
    const isTokenCall = opts.captureTokens === true && req.method === 'POST' && (req.url ?? '').startsWith('/oauth/token')
    const headers = { ...req.headers }
    // A plain body, so a token answer can be read.
    if (isTokenCall) delete headers['accept-encoding']
    const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent: false },
      (answer) => relay(answer, res, isTokenCall ? (body) => keepTokens(body, captured) : undefined))
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
    req.pipe(forward)
  })
  return { ...(await serveOnLoopback(server, opts.port)), requests, tokens: () => [...captured] }
}
