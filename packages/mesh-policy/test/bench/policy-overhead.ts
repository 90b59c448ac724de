// The plugin's cost on details (performance budget: at most 15% less throughput with the policy on and a
// valid token, JWKS cached, than with it off). Starts two details processes on loopback, one with
// MESH_POLICY=on against a loopback JWKS and one with it off, and alternates Debian's `wrk` against them
// in the same run. Usage (run it where no other load shares the CPUs):
//   ./scripts/node packages/mesh-policy/test/bench/policy-overhead.ts [seconds per round] [rounds]
import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { getFreePort, startService, type ManagedProcess } from '@bookinfo/test-helpers'
import { createIssuer, SECURITY_DIR, startJwksServer } from '../helpers.ts'

const SECONDS = Number(process.argv[2] ?? 10)
const ROUNDS = Number(process.argv[3] ?? 3)
const BUDGET = 0.85
const DETAILS = fileURLToPath(new URL('../../../../services/details/src/server.ts', import.meta.url))

// Asynchronous: the JWKS server runs in this process and must answer while wrk runs.
async function wrk (port: number, token: string, seconds: number): Promise<number> {
  const { stdout: out } = await promisify(execFile)('wrk', ['-t2', '-c64', `-d${seconds}s`, '-H', `Authorization: Bearer ${token}`, `http://127.0.0.1:${port}/details/0`], { encoding: 'utf8' })
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out)
  if (non2xx) throw new Error(`wrk saw ${non2xx[1]} failed responses on port ${port}`)
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 'NaN')
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

if (spawnSync('wrk', ['--version']).error) {
  process.stderr.write('policy-overhead: wrk is not installed (Debian package `wrk`)\n')
  process.exit(1)
}
const idp = await createIssuer('http://localhost:9090/', 'bench-key')
const token = await idp.sign({ sub: 'bench@bookinfo.com', permissions: ['read:book-details'] }, { audience: 'https://bookinfo.io', expiresIn: '1h' })
const jwks = await startJwksServer([idp.jwk])
const processes: ManagedProcess[] = []
try {
  const start = async (on: boolean): Promise<number> => {
    const port = await getFreePort()
    processes.push(await startService(DETAILS, {
      PORT: String(port),
      LOG_LEVEL: 'warn',
      MESH_POLICY: on ? 'on' : 'off',
      MESH_POLICY_DIR: SECURITY_DIR,
      MESH_POLICY_JWKS_URI: `${jwks.url}/.well-known/jwks.json`,
    }))
    return port
  }
  const off = await start(false)
  const on = await start(true)
  process.stdout.write(`policy-overhead: details without (port ${off}) and with the policy (port ${on}); warming up\n`)
  await wrk(off, token, 3)
  await wrk(on, token, 3)
  const results = { off: [] as number[], on: [] as number[] }
  for (let round = 1; round <= ROUNDS; round++) {
    results.off.push(await wrk(off, token, SECONDS))
    results.on.push(await wrk(on, token, SECONDS))
    process.stdout.write(`policy-overhead: round ${round}/${ROUNDS}: off ${results.off.at(-1)?.toFixed(0)} req/s, on ${results.on.at(-1)?.toFixed(0)} req/s\n`)
  }
  const ratio = median(results.on) / median(results.off)
  const verdict = ratio >= BUDGET ? 'within' : 'OVER'
  process.stdout.write(`policy-overhead: off ${median(results.off).toFixed(0)} req/s, on ${median(results.on).toFixed(0)} req/s, on/off ${(ratio * 100).toFixed(1)}% (${verdict} the ${BUDGET * 100}% budget)\n`)
  process.exitCode = ratio >= BUDGET ? 0 : 1
} finally {
  await Promise.all(processes.map((p) => p.stop()))
  await jwks.close()
}
