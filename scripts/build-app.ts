// `pnpm build` for one runnable package (a service, the IdP or the load generator), run from its folder: bundles src/server.ts and
// every runtime dependency into dist/bin/server.js with esbuild, and lays out the few files read at run time
// beside it. dist/ is the whole runtime: the images copy it and nothing else (no node_modules, no sources).
// Why a bundle and not tsc emit: see the README's "Run in containers" section (measured there).
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { build } from 'esbuild'
import { httpThroughRequire, lazyListFormat } from './build-plugins.ts'

interface AppLayout {
  /** The entry point and the name of its bundle in dist/bin/ (default: src/server.ts → server.js). */
  entry?: [string, string]
  /** Files or folders copied into dist/, as [source in the package, target in dist]. */
  files?: Array<[string, string]>
  /** Packages whose files the code resolves at run time (import.meta.resolve): package.json + dist/ only. */
  assetPackages?: string[]
}

// The bundle sits in dist/bin/, so a source's `new URL('../x', import.meta.url)` finds dist/x: each entry
// mirrors where the code looks (src/plugins/views.ts → ../views/, src/config.ts → ../seed.json).
const LAYOUTS: Record<string, AppLayout> = {
  '@bookinfo/productpage': { files: [['src/views', 'views']], assetPackages: ['bootstrap', 'jquery'] },
  '@bookinfo/dev-idp': { files: [['seed.json', 'seed.json']] },
  // The load generator's personas are the IdP's seed; its image points LOADGEN_SEED at this copy.
  '@bookinfo/loadgen': { entry: ['cli', 'src/cli.ts'], files: [['../../dev/idp/seed.json', 'seed.json']] },
}

// Optional drivers mongodb and others `require` inside try/catch; left out, they fail the same way at run time.
const OPTIONAL_EXTERNALS = [
  'kerberos', '@mongodb-js/zstd', '@aws-sdk/credential-providers', 'gcp-metadata', 'snappy', 'socks',
  'aws4', 'mongodb-client-encryption', 'mongodb-legacy',
]

// An ESM bundle of CommonJS code needs require/__dirname; pino finds its worker and the pretty transport
// through __bundlerPathsOverrides (pino's documented bundler hook), since their files are not in node_modules.
const BANNER = [
  "import { createRequire as __bundleRequire } from 'node:module'",
  "import { fileURLToPath as __bundleFile } from 'node:url'",
  "import { dirname as __bundleDir, join as __bundleJoin } from 'node:path'",
  'const require = __bundleRequire(import.meta.url)',
  'const __filename = __bundleFile(import.meta.url)',
  'const __dirname = __bundleDir(__filename)',
  'globalThis.__bundlerPathsOverrides = {',
  "  'thread-stream-worker': __bundleJoin(__dirname, 'thread-stream-worker.cjs'),",
  "  'pino-pretty': __bundleJoin(__dirname, 'pino-pretty.cjs'),",
  '}',
].join('\n')

const pkgDir = process.cwd()
const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { name: string, version: string }
const layout = LAYOUTS[manifest.name] ?? {}
const out = join(pkgDir, 'dist')
const started = performance.now()

rmSync(out, { recursive: true, force: true })
const common = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  // Whitespace only: names stay as written, which Fastify and avvio (plugin names in errors and logs) and
  // oidc-provider (it fails sign-ins when syntax minification drops inferred function names) rely on.
  // Not minify + keepNames: keepNames wraps every function and class, closures made per request included,
  // in a naming helper, which cost about a quarter of a service's CPU per request (scripts/bench.sh,
  // LOG_LEVEL=warn); whitespace-only keeps the names for free.
  minifyWhitespace: true,
  // Licence comments go to <file>.LEGAL.txt beside each file. Kept in the code, one of them (a name with an
  // umlaut) made the bundle non-ASCII, and Node holds a module's source in memory for as long as it runs:
  // as UTF-16 when any character is beyond ASCII, twice the bytes (2.2 MB more for details). esbuild writes
  // the code itself as ASCII; the check at the end keeps it so.
  legalComments: 'linked',
  logLevel: 'warning',
} as const

await build({
  ...common,
  entryPoints: { [layout.entry?.[0] ?? 'server']: join(pkgDir, layout.entry?.[1] ?? 'src/server.ts') },
  outdir: join(out, 'bin'),
  format: 'esm',
  // What the code loads with import() on first use (undici, the database drivers, productpage's OIDC stack,
  // the mesh policy's evaluator) goes to chunks/ and is read only then: details' start-up bundle is 1.2 MB
  // instead of 2.2, ratings' 1.4 instead of 3.7, and what is not read takes no memory.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: BANNER },
  external: OPTIONAL_EXTERNALS,
  plugins: [httpThroughRequire, lazyListFormat],
})

// pino's transport worker and pino-pretty, each as its own file (they run in a worker thread).
const kit = createRequire(join(pkgDir, '../../packages/service-kit/package.json'))
const fromPino = createRequire(kit.resolve('pino'))
await build({
  ...common,
  entryPoints: {
    'thread-stream-worker': join(dirname(fromPino.resolve('thread-stream')), 'lib/worker.js'),
    'pino-pretty': kit.resolve('pino-pretty'),
  },
  outdir: join(out, 'bin'),
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
})

for (const [from, to] of layout.files ?? []) cpSync(join(pkgDir, from), join(out, to), { recursive: true })
const fromApp = createRequire(join(pkgDir, 'package.json'))
for (const name of layout.assetPackages ?? []) {
  const root = dirname(fromApp.resolve(`${name}/package.json`))
  const target = join(out, 'node_modules', name)
  mkdirSync(target, { recursive: true })
  cpSync(join(root, 'package.json'), join(target, 'package.json'))
  cpSync(join(root, 'dist'), join(target, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') })
}
for (const file of readdirSync(join(out, 'bin'), { recursive: true, encoding: 'utf8' })) {
  if (!/\.c?js$/.test(file)) continue
  const at = readFileSync(join(out, 'bin', file)).findIndex((byte) => byte > 0x7f)
  if (at >= 0) throw new Error(`build: dist/bin/${file} has a non-ASCII byte at offset ${at}; Node would keep its source as UTF-16 (twice the memory): escape it or move it to a .LEGAL.txt`)
}
writeFileSync(join(out, 'package.json'), `${JSON.stringify({ name: manifest.name, version: manifest.version, private: true, type: 'module' }, null, 2)}\n`)
process.stdout.write(`built ${manifest.name} → dist/ (${Math.round(performance.now() - started)} ms)\n`)
