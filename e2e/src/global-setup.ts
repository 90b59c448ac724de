// Playwright global setup: for the local target, starts the whole app as real processes (the stack of
// `./scripts/dev.sh`, on the suite's own ports) and returns the teardown that stops it.
import { createServer } from 'node:net'
import { startLocalStack } from '@bookinfo/local-stack'
import { resolveTarget, type LocalTarget } from './target.ts'
import { startTokenCaptureProxy } from './token-capture.ts'
import { findLeaksInLogs, formatLeaks } from './leaks.ts'

async function assertFree (port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', (err: NodeJS.ErrnoException) => {
      // No IPv6 loopback on this machine: nothing can be listening there either.
      if (err.code === 'EADDRNOTAVAIL' || err.code === 'EAFNOSUPPORT') resolve()
      else reject(new Error(`e2e: port ${port} on ${host} is in use (another e2e run? set E2E_LOCAL_BASE_PORT): ${err.code}`))
    })
    probe.listen(port, host, () => probe.close(() => resolve()))
  })
}

async function startLocal (target: LocalTarget): Promise<() => Promise<void>> {
  const { ports } = target
  // The browser resolves localhost to either loopback address: neither may belong to someone else.
  for (const port of Object.values(ports)) {
    await assertFree(port, '127.0.0.1')
    await assertFree(port, '::1')
  }
  const proxy = await startTokenCaptureProxy(ports.idp, ports.idpBackChannel)
  // Debug level everywhere: the more the services log, the more the leak checks read.
  const debug = { LOG_LEVEL: 'debug' }
  const stack = await startLocalStack({
    reviewsVersion: 'v3',
    logDir: target.logDir,
    ports: {
      productpage: ports.productpage,
      details: ports.details,
      ratings: ports.ratings,
      'reviews-v1': ports['reviews-v1'],
      'reviews-v2': ports['reviews-v2'],
      'reviews-v3': ports['reviews-v3'],
      idp: ports.idp,
    },
    env: {
      productpage: { ...debug, OIDC_INTERNAL_BASE_URL: `http://127.0.0.1:${ports.idpBackChannel}` },
      details: debug,
      ratings: debug,
      'reviews-v1': debug,
      'reviews-v2': debug,
      'reviews-v3': debug,
    },
  }).catch(async (err: Error) => {
    await proxy.close()
    throw new Error(`e2e: the local stack did not start: ${err.message}`)
  })
  process.stdout.write(`e2e: local stack up at ${stack.productpageUrl} (IdP ${stack.issuer}); logs in ${target.logDir}\n`)

  return async () => {
    const codes = await stack.stop()
    const tokens = proxy.tokens()
    await proxy.close()
    const bad = Object.entries(codes).filter(([, code]) => code !== 0)
    if (bad.length > 0) throw new Error(`e2e: stack processes exited non-zero: ${JSON.stringify(Object.fromEntries(bad))}; logs in ${target.logDir}`)
    // Once more with every line flushed: a token logged after a spec's own check still fails the run.
    const leaks = await findLeaksInLogs(target.logDir, tokens)
    if (leaks.length > 0) throw new Error(`e2e: token found in the service logs after the run:\n${formatLeaks(leaks)}`)
  }
}

export default async function globalSetup (): Promise<(() => Promise<void>) | undefined> {
  const target = resolveTarget()
  if (target.kind === 'local') return startLocal(target)
  // A remote target must already be up: say so plainly instead of failing every spec.
  const res = await fetch(`${target.baseUrl}/productpage`, { signal: AbortSignal.timeout(15_000) }).catch((err: Error) => err)
  if (res instanceof Error || res.status !== 200) {
    throw new Error(`e2e: ${target.baseUrl}/productpage is not answering 200 (${res instanceof Error ? res.message : res.status}); start the target first`)
  }
  return undefined
}
