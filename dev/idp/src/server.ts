import { createServer } from 'node:http'
import closeWithGrace from 'close-with-grace'
import { ConfigError, collectStartupGarbage } from '@bookinfo/service-kit'
import { createIdp, type Idp } from './app.ts'
import { configFromEnv } from './config.ts'
import { pinoLog } from './log.ts'

const GRACE_MS = 5000

const log = pinoLog()
let idp: Idp
try {
  idp = createIdp(configFromEnv(process.env), log)
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
  collectStartupGarbage((gc) => log('info', 'start-up garbage collected', { ...gc }))
})

// As the services do (service-kit listenWithGrace): stop accepting, let in-flight requests finish, exit 0.
closeWithGrace({ delay: GRACE_MS }, async ({ signal, err }) => {
  if (err) log('error', 'closing after an error', { err: String(err) })
  else log('info', 'shutting down', { signal })
  server.closeIdleConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})
