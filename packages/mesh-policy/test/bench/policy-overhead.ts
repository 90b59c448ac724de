// The plugin's cost on details (performance budget: at most 15% less throughput with the policy on and a
// valid token, JWKS cached, than with it off). Starts two details processes on loopback, one with
// MESH_POLICY=on against a loopback JWKS and one with it off, and alternates Debian's `wrk` against them
// in the same run. Besides requests per second it reports each server's CPU time per request (from
// /proc), which other load on the machine disturbs far less than throughput. Usage:
//   ./scripts/node packages/mesh-policy/test/bench/policy-overhead.ts [seconds per round] [rounds]
import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { getFreePort, startService, type ManagedProcess } from '@bookinfo/test-helpers'
import { createIssuer, SECURITY_DIR, startJwksServer } from '../helpers.ts'

const SECONDS = Number(process.argv[2] ?? 10)
const ROUNDS = Number(process.argv[3] ?? 3)
const BUDGET = 0.85
const DETAILS = fileURLToPath(new URL('../../../../services/details/src/server.ts', import.meta.url))

/** utime + stime of a process, in seconds (Linux /proc; clock ticks of 1/100 s). */
function cpuSeconds (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / 100
}

interface Round { rps: number, cpuMicrosPerRequest: number }

// Asynchronous: the JWKS server runs in this process and must answer while wrk runs.
async function measure (server: ManagedProcess, port: number, token: string, seconds: number): Promise<Round> {
  const before = cpuSeconds(server.child.pid ?? 0)
  const out = await wrk(port, token, seconds)
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 'NaN')
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 'NaN'), cpuMicrosPerRequest: (cpuSeconds(server.child.pid ?? 0) - before) * 1e6 / requests }
}

async function wrk (port: number, token: string, seconds: number): Promise<string> {
  const { stdout: out } = await promisify(execFile)('wrk', ['-t2', '-c64', `-d${seconds}s`, '-H', `Authorization: Bearer ${token}`, `http://127.0.0.1:${port}/details/0`], { encoding: 'utf8' })
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out)
  if (non2xx) throw new Error(`wrk saw ${non2xx[1]} failed responses on port ${port}`)
  return out
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
  const start = async (on: boolean): Promise<{ server: ManagedProcess, port: number }> => {
    const port = await getFreePort()
    const server = await startService(DETAILS, {
      PORT: String(port),
      LOG_LEVEL: 'warn',
      MESH_POLICY: on ? 'on' : 'off',
      MESH_POLICY_DIR: SECURITY_DIR,
      MESH_POLICY_JWKS_URI: `${jwks.url}/.well-known/jwks.json`,
    })
    processes.push(server)
    return { server, port }
  }
  const off = await start(false)
  const on = await start(true)
  process.stdout.write(`policy-overhead: details without (port ${off.port}) and with the policy (port ${on.port}); warming up\n`)
  await wrk(off.port, token, 3)
  await wrk(on.port, token, 3)
  const rounds = { off: [] as Round[], on: [] as Round[] }
  for (let round = 1; round <= ROUNDS; round++) {
    rounds.off.push(await measure(off.server, off.port, token, SECONDS))
    rounds.on.push(await measure(on.server, on.port, token, SECONDS))
    const [a, b] = [rounds.off.at(-1), rounds.on.at(-1)]
    process.stdout.write(`policy-overhead: round ${round}/${ROUNDS}: off ${a?.rps.toFixed(0)} req/s (${a?.cpuMicrosPerRequest.toFixed(1)} µs CPU/req), on ${b?.rps.toFixed(0)} req/s (${b?.cpuMicrosPerRequest.toFixed(1)} µs CPU/req)\n`)
  }
  const rps = { off: median(rounds.off.map((r) => r.rps)), on: median(rounds.on.map((r) => r.rps)) }
  const cpu = { off: median(rounds.off.map((r) => r.cpuMicrosPerRequest)), on: median(rounds.on.map((r) => r.cpuMicrosPerRequest)) }
  const cpuRatio = cpu.off / cpu.on
  process.stdout.write(`policy-overhead: throughput off ${rps.off.toFixed(0)} req/s, on ${rps.on.toFixed(0)} req/s, on/off ${(100 * rps.on / rps.off).toFixed(1)}%\n`)
  process.stdout.write(`policy-overhead: CPU per request off ${cpu.off.toFixed(1)} µs, on ${cpu.on.toFixed(1)} µs: CPU-bound throughput on/off ${(100 * cpuRatio).toFixed(1)}% (${cpuRatio >= BUDGET ? 'within' : 'OVER'} the ${BUDGET * 100}% budget)\n`)
  process.exitCode = cpuRatio >= BUDGET ? 0 : 1
} finally {
  await Promise.all(processes.map((p) => p.stop()))
  await jwks.close()
}
