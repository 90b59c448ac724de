// `./scripts/dev.sh`: runs the whole app on loopback until Ctrl-C.
import { join } from 'node:path'
import { devPersonas } from '@bookinfo/dev-idp'
import { ROOT, startLocalStack, type ReviewsVersion } from './stack.ts'

const version = (process.env.REVIEWS_VERSION ?? 'v3') as ReviewsVersion
if (!['v1', 'v2', 'v3'].includes(version)) {
  process.stderr.write(`dev: REVIEWS_VERSION must be v1, v2 or v3 (got "${version}")\n`)
  process.exit(1)
}
const logDir = join(ROOT, '.run', 'logs')

const stack = await startLocalStack({ reviewsVersion: version, logDir }).catch((err: Error) => {
  process.stderr.write(`dev: could not start the stack: ${err.message}\n`)
  process.exit(1)
})

const lines = [
  '',
  `Bookinfo-TS is running: ${stack.productpageUrl}/productpage`,
  `  reviews served by ${version}; logs (JSON) in ${logDir}`,
  ...stack.processes.map((p) => `  ${p.name.padEnd(12)} ${p.url.replace('/health', '')}`),
  `  IdP (bundled, Auth0-shaped): ${stack.issuer}`,
  '',
  '  Sign in with one of the personas (dev passwords; dev/idp/README.md):',
  ...Object.values(devPersonas()).map((p) => `    ${p.login.padEnd(19)} ${p.password.padEnd(16)} role ${p.roles.join(',')}: ${p.permissions.join(', ')}`),
  '  Authorization: istio/security enforced in every service (MESH_POLICY=on); anonymous sees both error blocks.',
  '',
  'Press Ctrl-C to stop.',
  '',
]
process.stdout.write(lines.join('\n'))

let stopping = false
async function stop (): Promise<void> {
  if (stopping) return
  stopping = true
  process.stdout.write('\nstopping...\n')
  const codes = await stack.stop()
  const bad = Object.entries(codes).filter(([, c]) => c !== 0)
  process.stdout.write(bad.length ? `stopped; non-zero exits: ${JSON.stringify(Object.fromEntries(bad))}\n` : 'stopped cleanly\n')
  process.exit(bad.length ? 1 : 0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
for (const p of stack.processes) {
  p.exited.then((code) => {
    if (!stopping) {
      process.stderr.write(`dev: ${p.name} exited (${code}); see ${p.logFile}\n`)
      stop().catch(() => process.exit(1))
    }
  }, () => {})
}
