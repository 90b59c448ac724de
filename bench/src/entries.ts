import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** `auto`: the build when there is one, else the sources. */
export type EntryChoice = 'auto' | 'build' | 'sources'

export interface Entry {
  kind: 'build' | 'sources'
  script: string
  /** Set when the build looks older than the sources it was made from. */
  warning?: string
}

/** Where `pnpm build` puts a runnable package's bundle (what the images copy and run). */
export const BUILD_ENTRY = join('dist', 'bin', 'server.js')
const SOURCE_ENTRY = join('src', 'server.ts')

function newestMtime (dir: string): number {
  let newest = 0
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const stat = statSync(join(dir, name))
    if (stat.isFile() && stat.mtimeMs > newest) newest = stat.mtimeMs
  }
  return newest
}

/**
 * The script to run for a package folder (`services/details`, `dev/idp`): its build when present and
 * asked for, otherwise its TypeScript sources (Node 24 strips the types).
 */
export function entryFor (root: string, pkgDir: string, choice: EntryChoice): Entry {
  const dir = join(root, pkgDir)
  const build = join(dir, BUILD_ENTRY)
  const hasBuild = existsSync(build)
  if (choice === 'build' && !hasBuild) throw new Error(`${pkgDir}: no build at ${BUILD_ENTRY} (run ./scripts/pnpm build first)`)
  if (choice === 'sources' || !hasBuild) return { kind: 'sources', script: join(dir, SOURCE_ENTRY) }
  // The bundle holds the shared packages too: any newer source there also makes it stale.
  const packages = join(root, 'packages')
  const sources = [join(dir, 'src'), ...readdirSync(packages).map((name) => join(packages, name, 'src')).filter((d) => existsSync(d))]
  const stale = Math.max(...sources.map(newestMtime)) > statSync(build).mtimeMs
  return { kind: 'build', script: build, ...(stale ? { warning: `${pkgDir}: the build is older than src/ (run ./scripts/pnpm build)` } : {}) }
}
