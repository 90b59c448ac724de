import { createServer, request, type Server } from 'node:http'

/** The loopback path where the proxy lists the tokens it saw; never forwarded to the IdP. */
export const CAPTURED_PATH = '/__e2e/captured-tokens'

export interface TokenCaptureProxy {
  /** The tokens seen so far. */
  tokens: () => string[]
  close: () => Promise<void>
}

const TOKEN_FIELDS = ['access_token', 'id_token', 'refresh_token'] as const

/**
 * The back channel productpage uses to reach the IdP (OIDC_INTERNAL_BASE_URL), passed through unchanged
 * except that token-endpoint answers are read on the way: the leak checks then search the logs and the
 * browser for the very tokens productpage held (bearer, ID token, refresh token), not only for JWT shapes.
 */
export async function startTokenCaptureProxy (idpPort: number, port: number): Promise<TokenCaptureProxy> {
  const captured = new Set<string>()
  const server: Server = createServer((req, res) => {
    if (req.url === CAPTURED_PATH) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify([...captured]))
      return
    }
    const isTokenCall = req.method === 'POST' && (req.url ?? '').startsWith('/oauth/token')
    const headers = { ...req.headers }
    // Plain bodies, so a token answer can be read.
    delete headers['accept-encoding']
    const forward = request({ host: '127.0.0.1', port: idpPort, method: req.method, path: req.url, headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders)
      if (!isTokenCall) {
        answer.pipe(res)
        return
      }
      const chunks: Buffer[] = []
      answer.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        res.write(chunk)
      })
      answer.on('end', () => {
        res.end()
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>
          for (const field of TOKEN_FIELDS) {
            const value = body[field]
            if (typeof value === 'string' && value !== '') captured.add(value)
          }
        } catch {}
      })
    })
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
    req.pipe(forward)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  return {
    tokens: () => [...captured],
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The tokens the proxy saw so far (asked from a test worker, which runs in another process). */
export async function fetchCapturedTokens (url: string): Promise<string[]> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) })
  if (res.status !== 200) throw new Error(`token capture answered ${res.status}`)
  return await res.json() as string[]
}
