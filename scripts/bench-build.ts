// Measures the production-build choice on this machine: one service started from its TypeScript sources,
// from tsc's JS emit with a `pnpm deploy --prod` node_modules, and from the esbuild bundle (`pnpm build`),
// against a bare node:http server. Cold start = spawn to the first 200 on /health; RSS after 1 s idle.
// Usage: ./scripts/node scripts/bench-build.ts [service ...]   (default: details productpage; 7 runs each)
import { spawn, execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

const ROOT = resolve(import.meta.dirname, '..')
const WORK = join(ROOT, '.run', 'bench-build')
const RUNS = Number(process.env.BENCH_RUNS ?? 7)
const SHARED = ['service-kit', 'mesh-policy']

interface Variant { name: string, cwd: string, args: string[], bytes: number, files: number }

function tree (dir: string): { bytes: number, files: number } {
  let bytes = 0
  let files = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    bytes += statSync(join(entry.parentPath, entry.name)).size
    files += 1
  }
  return { bytes, files }
}

async function freePort (): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** tsc emit of the service and the shared packages, dropped into a `pnpm deploy --prod` folder. */
function tscEmit (service: string): Variant {
  const out = join(WORK, `${service}-tsc`)
  const emit = join(WORK, `${service}-emit`)
  rmSync(out, { recursive: true, force: true })
  rmSync(emit, { recursive: true, force: true })
  execFileSync('pnpm', ['--filter', `@bookinfo/${service}`, 'deploy', '--prod', '--legacy', out], { cwd: ROOT, stdio: 'ignore' })
  const tsconfig = join(ROOT, '.run', `tsconfig.bench-${service}.json`)
  writeFileSync(tsconfig, JSON.stringify({
    extends: '../tsconfig.base.json',
    compilerOptions: { noEmit: false, outDir: emit, rootDir: '..', declaration: false },
    include: [`../services/${service}/src`, ...SHARED.map((p) => `../packages/${p}/src`)],
  }))
  execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', tsconfig], { cwd: ROOT, stdio: 'inherit' })
  rmSync(join(out, 'src'), { recursive: true })
  cpSync(join(emit, 'services', service, 'src'), join(out, 'src'), { recursive: true })
  // productpage's templates are read beside the code, as the bundle's layout does for dist/.
  if (service === 'productpage') cpSync(join(ROOT, 'services/productpage/src/views'), join(out, 'src/views'), { recursive: true })
  for (const pkg of SHARED) {
    const dir = execFileSync('readlink', ['-f', join(out, 'node_modules/@bookinfo', pkg)], { encoding: 'utf8' }).trim()
    rmSync(join(dir, 'src'), { recursive: true })
    cpSync(join(emit, 'packages', pkg, 'src'), join(dir, 'src'), { recursive: true })
    // pnpm deploy hard-links the workspace's files: replace the manifest, never write through the link.
    const manifest = join(dir, 'package.json')
    const text = readFileSync(manifest, 'utf8').replace('./src/index.ts', './src/index.js')
    rmSync(manifest)
    writeFileSync(manifest, text)
  }
  return { name: 'tsc emit + pnpm deploy --prod', cwd: out, args: ['src/server.js'], ...tree(out) }
}

function bundle (service: string): Variant {
  execFileSync('pnpm', ['--filter', `@bookinfo/${service}`, 'build'], { cwd: ROOT, stdio: 'ignore' })
  const dist = join(ROOT, 'services', service, 'dist')
  return { name: 'esbuild bundle (pnpm build)', cwd: dist, args: ['bin/server.js'], ...tree(dist) }
}

function sources (service: string): Variant {
  const dir = join(ROOT, 'services', service)
  return { name: 'TypeScript sources', cwd: dir, args: ['src/server.ts'], bytes: Number.NaN, files: Number.NaN }
}

const BARE = 'require("node:http").createServer((q,s)=>s.end("ok")).listen(process.env.PORT)'

async function startOnce (variant: Pick<Variant, 'cwd' | 'args'>): Promise<{ ms: number, rssMiB: number }> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, variant.args, { cwd: variant.cwd, env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' }, stdio: 'ignore' })
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${variant.args.join(' ')} exited ${child.exitCode}`)
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false)
      if (ok) break
      if (performance.now() - started > 15_000) throw new Error('no /health within 15 s')
      await sleep(5)
    }
    const ms = performance.now() - started
    await sleep(1000)
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
    const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1])
    return { ms, rssMiB: rssKiB / 1024 }
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
    }
  }
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

async function measure (variant: Pick<Variant, 'cwd' | 'args'>): Promise<{ ms: number, rssMiB: number }> {
  const runs = []
  for (let i = 0; i < RUNS; i++) runs.push(await startOnce(variant))
  return { ms: median(runs.map((r) => r.ms)), rssMiB: median(runs.map((r) => r.rssMiB)) }
}

const services = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['details', 'productpage']
mkdirSync(WORK, { recursive: true })
const rows = ['| service | build | files | size | cold start to /health (median) | RSS after 1 s (median) |', '| --- | --- | --- | --- | --- | --- |']
const bare = await measure({ cwd: WORK, args: ['-e', BARE] })
rows.push(`| – | bare node:http | – | – | ${bare.ms.toFixed(0)} ms | ${bare.rssMiB.toFixed(0)} MiB |`)
for (const service of services) {
  process.stdout.write(`bench-build: ${service}: preparing tsc emit and the bundle\n`)
  for (const variant of [sources(service), tscEmit(service), bundle(service)]) {
    process.stdout.write(`bench-build: ${service}: ${variant.name} × ${RUNS}\n`)
    const m = await measure(variant)
    const size = Number.isNaN(variant.bytes) ? 'repository' : `${(variant.bytes / 1048576).toFixed(1)} MB`
    rows.push(`| ${service} | ${variant.name} | ${Number.isNaN(variant.files) ? '–' : variant.files} | ${size} | ${m.ms.toFixed(0)} ms | ${m.rssMiB.toFixed(0)} MiB |`)
  }
}
process.stdout.write(`\n${rows.join('\n')}\n\nbench-build: done (Node ${process.version}, ${RUNS} runs per row)\n`)
