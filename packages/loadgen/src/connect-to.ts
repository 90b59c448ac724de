import { Agent, buildConnector, setGlobalDispatcher } from 'undici'

/**
 * Like curl's --connect-to: every connection goes to `address` (host:port) while URLs, Host headers and
 * cookies keep the public origin. In a cluster the browser-facing origin is http://localhost:8080 (the
 * issuer and callback are bound to it), which inside a pod is the pod itself: this sends it to the gateway.
 */
export function connectEverythingTo (address: string): void {
  const match = /^([^:]+):(\d{1,5})$/.exec(address)
  if (match === null) throw new Error(`--connect-to must be host:port, got "${address}"`)
  const [, hostname = '', port = ''] = match
  const connect = buildConnector({})
  setGlobalDispatcher(new Agent({
    connect: (options, callback) => connect({ ...options, hostname, host: hostname, port, servername: undefined }, callback),
  }))
}
