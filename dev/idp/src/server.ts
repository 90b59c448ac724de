import { createServer } from 'node:http'
import { ConfigError } from '@bookinfo/service-kit'
import { createIdp, type Idp } from './app.ts'
import { configFromEnv } from './config.ts'
import { jsonLog } from './log.ts'

const GRACE_MS = 5000

let idp: Idp
try {
  idp = createIdp(configFromEnv(process.env), jsonLog)
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  process.stderr.write(`dev-idp: ${err.message}\n`)
  process.exit(1)
}

const { config, seed } = idp
const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5000 }, idp.handler)

server.listen(config.port, config.host, () => {
  const lines = [
    `dev-idp listening on http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`,
    `issuer: ${config.issuer}`,
    `client: ${seed.client.clientId} (secret from IDP_DEV_CLIENT_SECRET or the README), callback(s): ${config.redirectUris.join(', ')}`,
    'personas (passwords: dev/idp/README.md or the env var named):',
    ...seed.users.map((u) => `  ${u.email}${u.username ? ` or ${u.username}` : ''}  roles=${u.roles.join(',')}  password=${u.passwordEnv ? `$${u.passwordEnv} or the documented default` : 'see seed'}`),
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
})

function shutdown (signal: string): void {
  jsonLog('info', 'shutting down', { signal })
  const force = setTimeout(() => server.closeAllConnections(), GRACE_MS)
  force.unref()
  server.close(() => process.exit(0))
  server.closeIdleConnections()
}

process.once('SIGTERM', () => shutdown('SIGTERM'))
process.once('SIGINT', () => shutdown('SIGINT'))
