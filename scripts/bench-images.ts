// The README's image table, measured here: size and size over the base; cold start to healthy (`docker run`
// to the first 200 on /health through the published port, and the part after Docker started PID 1); idle
// memory after 5 s (`docker stats`, the cgroup's memory less its page cache, and VmRSS of PID 1, which also
// counts the mapped node binary); and the same for a bare node:http server and a one-route Fastify in the same base. Needs the images (./scripts/build-images.sh).
// Usage: ./scripts/node scripts/bench-images.ts   (BENCH_RUNS=5 runs per image, median; BASE_IMAGE to pick the base)
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { build } from 'esbuild'

const PREFIX = process.env.IMAGE_PREFIX ?? 'bookinfo-ts'
const TAG = process.env.TAG ?? 'dev'
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const IDLE_MS = 5000
const IMAGES: Array<[string, number]> = [
  ['examples-bookinfo-productpage-v1', 9080], ['examples-bookinfo-details-v1', 9080], ['examples-bookinfo-ratings-v1', 9080],
  ['examples-bookinfo-ratings-v2', 9080], ['examples-bookinfo-reviews-v1', 9080], ['examples-bookinfo-reviews-v2', 9080],
  ['examples-bookinfo-reviews-v3', 9080], ['dev-idp', 9090],
]
const BARE = 'require("node:http").createServer((q, s) => s.end("ok")).listen(9080)'
// The framework's own floor: Fastify with one route and no logger, bundled as the services are.
const FASTIFY = "import Fastify from 'fastify'\nconst app = Fastify()\napp.get('/health', async () => 'ok')\nawait app.listen({ port: 9080, host: '::' })\n"

const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
const bytes = (image: string): number => Number(docker('image', 'inspect', '-f', '{{.Size}}', image))
const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB`

/** The base the images were built FROM: the official image if present, else the local one. */
function baseImage (): string {
  if (process.env.BASE_IMAGE) return process.env.BASE_IMAGE
  for (const candidate of ['node:24-slim', 'bookinfo-ts/node:24-minbase']) {
    try {
      docker('image', 'inspect', candidate)
      return candidate
    } catch {}
  }
  throw new Error('no base image: run ./scripts/build-images.sh first')
}

/** MiB from docker stats' "45.2MiB / 23.4GiB". */
function statsMiB (id: string): number {
  const usage = docker('stats', '--no-stream', '--format', '{{.MemUsage}}', id).split('/')[0]?.trim() ?? ''
  const m = /^([\d.]+)\s*([KMG]i?B)$/.exec(usage)
  if (m === null) throw new Error(`unreadable docker stats: ${usage}`)
  const factor: Record<string, number> = { KiB: 1 / 1024, MiB: 1, GiB: 1024, kB: 1 / 1048.576, MB: 1 / 1.048576, GB: 1000 / 1.048576 }
  return Number(m[1]) * (factor[m[2] ?? 'MiB'] ?? 1)
}

/** VmRSS of the container's PID 1, in MiB. */
function vmRssMiB (id: string): number {
  const status = docker('exec', id, 'cat', '/proc/1/status')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024
}

interface Sample { ms: number, inside: number, mib: number, rss: number }

async function once (image: string, port: number, command: string[], runArgs: string[]): Promise<Sample> {
  const started = performance.now()
  const id = docker('run', '-d', '--read-only', '--cap-drop', 'ALL', '-p', `127.0.0.1::${port}`, ...runArgs, image, ...command)
  try {
    const hostPort = docker('port', id, String(port)).split('\n')[0]?.split(':').pop()
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${hostPort}/health`).then((r) => r.status === 200, () => false)
      if (ok) break
      if (performance.now() - started > 30_000) throw new Error(`${image}: no /health within 30 s`)
      await sleep(10)
    }
    const ms = performance.now() - started
    const healthyAt = Date.now()
    // The app's own share: from the moment Docker started PID 1 (ns precision, cut to ms) to the first 200.
    const startedAt = Date.parse(docker('inspect', '-f', '{{.State.StartedAt}}', id).replace(/(\.\d{3})\d*Z$/, '$1Z'))
    await sleep(IDLE_MS)
    return { ms, inside: healthyAt - startedAt, mib: statsMiB(id), rss: vmRssMiB(id) }
  } finally {
    docker('rm', '-f', id)
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN

async function measure (image: string, port: number, command: string[] = [], runArgs: string[] = []): Promise<Sample> {
  const runs: Sample[] = []
  for (let i = 0; i < RUNS; i++) runs.push(await once(image, port, command, runArgs))
  const m = (key: keyof Sample) => median(runs.map((r) => r[key]))
  return { ms: m('ms'), inside: m('inside'), mib: m('mib'), rss: m('rss') }
}

const base = baseImage()
const baseBytes = bytes(base)
process.stdout.write(`bench-images: base ${base}; ${RUNS} runs per image, ${IDLE_MS / 1000} s idle before docker stats; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`)
const bare = await measure(base, 9080, ['node', '-e', BARE])
const fastifyDir = mkdtempSync(join(tmpdir(), 'bench-fastify-'))
writeFileSync(join(fastifyDir, 'entry.mjs'), FASTIFY)
chmodSync(fastifyDir, 0o755)
await build({
  entryPoints: [join(fastifyDir, 'entry.mjs')],
  outfile: join(fastifyDir, 'server.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  minifyWhitespace: true,
  legalComments: 'none',
  logLevel: 'warning',
  nodePaths: [new URL('../packages/service-kit/node_modules', import.meta.url).pathname],
  banner: { js: "import { createRequire } from 'node:module'\nconst require = createRequire(import.meta.url)" },
})
process.stdout.write('bench-images: bare Fastify (one route, no logger, bundled)\n')
const fastify = await measure(base, 9080, ['node', '/bench/server.mjs'], ['-v', `${fastifyDir}:/bench:ro`])
rmSync(fastifyDir, { recursive: true, force: true })
const rows = [
  '| image | size | over base | cold start to healthy | of which after PID 1 started | idle memory (docker stats) | vs bare | idle VmRSS | vs bare |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
]
for (const [name, port] of IMAGES) {
  const image = `${PREFIX}/${name}:${TAG}`
  process.stdout.write(`bench-images: ${image}\n`)
  const size = bytes(image)
  const m = await measure(image, port)
  rows.push(`| ${name} | ${mb(size)} | ${mb(size - baseBytes)} | ${m.ms.toFixed(0)} ms | ${m.inside.toFixed(0)} ms | ${m.mib.toFixed(1)} MiB | ${(m.mib / bare.mib).toFixed(2)}x | ` +
    `${m.rss.toFixed(0)} MiB | ${(m.rss / bare.rss).toFixed(2)}x |`)
}
rows.push(`| bare Fastify, one route (same base) | – | – | ${fastify.ms.toFixed(0)} ms | ${fastify.inside.toFixed(0)} ms | ${fastify.mib.toFixed(1)} MiB | ${(fastify.mib / bare.mib).toFixed(2)}x | ` +
  `${fastify.rss.toFixed(0)} MiB | ${(fastify.rss / bare.rss).toFixed(2)}x |`)
rows.push(`| bare node:http (same base) | ${mb(baseBytes)} | – | ${bare.ms.toFixed(0)} ms | ${bare.inside.toFixed(0)} ms | ${bare.mib.toFixed(1)} MiB | 1.00x | ${bare.rss.toFixed(0)} MiB | 1.00x |`)
process.stdout.write(`\n${rows.join('\n')}\n\nbench-images: done (base ${base}, Docker ${docker('version', '-f', '{{.Server.Version}}')}, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})\n`)
