import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

// Every shell script of the repository parses (`bash -n`) and passes shellcheck (Debian's package, which
// scripts/test.sh installs). The kind scripts cannot run here (no cluster); this is their static proof.

const ROOT = join(import.meta.dirname, '..', '..')
const SKIP = new Set(['node_modules', '.git', '.tools', '.run'])

function shellScripts (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return SKIP.has(entry.name) ? [] : shellScripts(path)
    if (!entry.isFile() || statSync(path).size > 200_000) return []
    const firstLine = readFileSync(path, 'utf8').split('\n', 1)[0] ?? ''
    return entry.name.endsWith('.sh') || /^#!.*\bbash\b/.test(firstLine) ? [relative(ROOT, path)] : []
  })
}

const scripts = [...shellScripts(join(ROOT, 'scripts')), ...shellScripts(join(ROOT, '.ci'))].sort()

it('finds the kind scripts among the shell scripts', () => {
  expect(scripts).toEqual(expect.arrayContaining(['scripts/kind-up.sh', 'scripts/kind-down.sh', 'scripts/test-kind.sh', '.ci/run']))
})

describe.each(scripts)('%s', (script) => {
  it('parses with bash -n', () => {
    expect(() => execFileSync('bash', ['-n', join(ROOT, script)], { stdio: 'pipe' })).not.toThrow()
  })

  it('passes shellcheck', () => {
    let output = ''
    try {
      output = execFileSync('shellcheck', ['-x', '-P', 'SCRIPTDIR', '-f', 'gcc', join(ROOT, script)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    } catch (error) {
      const { code, stdout } = error as { code?: string, stdout?: string }
      if (code === 'ENOENT') throw new Error('shellcheck is not installed: apt-get install -y shellcheck (scripts/test.sh does it)')
      output = stdout ?? String(error)
    }
    expect(output).toBe('')
  })
})
