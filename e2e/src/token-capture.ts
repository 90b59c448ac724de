import { startReverseProxy, type ProxyServer } from '@bookinfo/test-helpers/reverse-proxy'

/** The loopback path where the proxy lists the tokens it saw; never forwarded to the IdP. */
export const CAPTURED_PATH = '/__e2e/captured-tokens'

/**
 * The back channel productpage uses to reach the IdP (OIDC_INTERNAL_BASE_URL): test-helpers' recording proxy,
 * which passes everything through and keeps the tokens of token-endpoint answers, so the leak checks search
 * the logs and the browser for the very tokens productpage held (bearer, ID token, refresh token), not only
 * for JWT shapes.
 */
export async function startTokenCaptureProxy (idpPort: number, port: number): Promise<ProxyServer> {
  return startReverseProxy(`http://127.0.0.1:${idpPort}`, { port, captureTokens: true, tokensPath: CAPTURED_PATH })
}

/** The tokens the proxy saw so far (asked from a test worker, which runs in another process). */
export async function fetchCapturedTokens (url: string): Promise<string[]> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) })
  if (res.status !== 200) throw new Error(`token capture answered ${res.status}`)
  return await res.json() as string[]
}
