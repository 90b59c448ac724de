// The build's esbuild plugins (scripts/build-plugins.ts) keep what the code does and drop only the start-up
// cost: each bundle here runs in its own Node process, which reports what the code returned and what Node
// loaded or made while importing it. The expected values come from Node itself, not from this file.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'
import { httpThroughRequire, lazyListFormat } from '../../scripts/build-plugins.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'build-plugins-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Bundles `source` (resolved from `resolveDir`) as the app build does, runs it, and returns its JSON line. */
async function bundleAndRun (name: string, source: string, resolveDir: string, withPlugins: boolean): Promise<unknown> {
  const outfile = join(work, `${name}-${withPlugins ? 'on' : 'off'}.mjs`)
  await build({
    stdin: { contents: source, resolveDir, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    outfile,
    logLevel: 'error',
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    plugins: withPlugins ? [httpThroughRequire, lazyListFormat] : [],
  })
  return JSON.parse(execFileSync(process.execPath, [outfile], { encoding: 'utf8' }))
}

const UNDICI = 'NativeModule internal/deps/undici/undici'

describe('http-through-require', () => {
  const source = `import http, { STATUS_CODES, createServer } from 'node:http'
    console.log(JSON.stringify({ status: STATUS_CODES[404], same: http.createServer === createServer,
      undici: process.moduleLoadList.includes('${UNDICI}') }))`

  it('gives the same http exports without loading Node\'s undici; without it, the import does load undici', async () => {
    const on = await bundleAndRun('http', source, ROOT, true)
    const off = await bundleAndRun('http', source, ROOT, false)
    expect(on).toEqual({ status: 'Not Found', same: true, undici: false })
    // The cost the plugin exists for; if a Node release stops paying it, this says the plugin can go.
    expect(off).toEqual({ status: 'Not Found', same: true, undici: true })
  })
})

describe('lazy-list-format', () => {
  const oidcProvider = createRequire(join(ROOT, 'dev/idp/package.json')).resolve('oidc-provider')
  const formatters = join(dirname(oidcProvider), 'helpers/formatters.js')
  const source = `let made = 0
    const ListFormat = Intl.ListFormat
    Intl.ListFormat = class extends ListFormat { constructor (...a) { made++; super(...a) } }
    const { formatList } = await import(${JSON.stringify(formatters)})
    const atImport = made
    const words = formatList(['a', 'b', 'c'], { type: 'disjunction' })
    const both = formatList(['x', 'y'])
    console.log(JSON.stringify({ atImport, words, both, made }))`

  it('words lists as before, but makes each Intl.ListFormat on first use instead of at import', async () => {
    const on = await bundleAndRun('formatters', source, ROOT, true)
    const off = await bundleAndRun('formatters', source, ROOT, false)
    expect(on).toEqual({ ...(off as object), atImport: 0, made: 2 })
    expect(off).toMatchObject({ atImport: 2, made: 2 })
  })

  it('fails the build when the file no longer makes a ListFormat at its top level', async () => {
    const changed = join(work, 'node_modules/oidc-provider/lib/helpers')
    mkdirSync(changed, { recursive: true })
    writeFileSync(join(changed, 'formatters.js'), 'export const formatList = (list) => list.join(", ")\n')
    await expect(build({
      entryPoints: [join(changed, 'formatters.js')],
      bundle: true,
      write: false,
      logLevel: 'silent',
      plugins: [lazyListFormat],
    })).rejects.toThrow(/no top-level Intl.ListFormat left/)
  })
})
