// The READMEs' commands work as written in a new terminal: they go through ./scripts/, and those scripts
// bring their own Node and pnpm. The forms run here with a bare PATH (no .tools/ on it).
import { execFileSync, spawnSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { join } from 'node:path'
import { getFreePort, startProcess } from '@bookinfo/test-helpers'
import { describe, expect, it } from 'vitest'
import { REPO, markdownFiles, read } from './repo-files.ts'

/** Every command shown in a README: lines of shell code blocks and inline code spans. */
function commands (): Array<{ file: string, command: string }> {
  const out: Array<{ file: string, command: string }> = []
  for (const file of markdownFiles()) {
    const text = read(file)
    for (const block of text.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)) {
      for (const line of (block[1] ?? '').split('\n')) {
        const command = line.replace(/\s+#.*$/, '').trim()
        if (command !== '') out.push({ file, command })
      }
    }
    for (const span of text.replace(/^```[\s\S]*?^```/gm, '').matchAll(/`([^`\n]+)`/g)) out.push({ file, command: (span[1] ?? '').trim() })
  }
  return out
}

// A command that starts (after VAR=value assignments) with a tool a new terminal may lack or have in another version.
const BARE_TOOL = /^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:cd \S+ && )?(pnpm|npx|node|vitest|playwright)\s/

/** A bare environment: the system PATH only, as a new terminal on a fresh machine has. */
function bareEnv (extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...extra }
}

function run (args: string[], env: Record<string, string> = {}, timeout = 120_000): { status: number | null, out: string } {
  const [command = '', ...rest] = args
  const res = spawnSync(command, rest, { cwd: REPO, env: bareEnv(env), encoding: 'utf8', timeout })
  return { status: res.status, out: `${res.stdout}${res.stderr}` }
}

describe('README commands', () => {
  const all = commands()

  it('finds the commands of every README', () => {
    expect(all.some((c) => c.file === 'README.md' && c.command.startsWith('./scripts/dev.sh'))).toBe(true)
    expect(all.filter((c) => c.command.startsWith('./scripts/')).length).toBeGreaterThan(15)
  })

  it('none calls pnpm, node, npx or a workspace tool directly: they go through ./scripts/', () => {
    expect(all.filter((c) => BARE_TOOL.test(c.command))).toEqual([])
    expect(BARE_TOOL.test('BASE_URL=http://x pnpm --filter @bookinfo/e2e exec playwright test')).toBe(true)
    expect(BARE_TOOL.test('./scripts/pnpm exec vitest run')).toBe(false)
  })

  it('every script they name exists and is executable', () => {
    const scripts = new Set(all.flatMap((c) => [...c.command.matchAll(/\.\/(scripts\/[\w.-]+)/g)].map((m) => m[1] ?? '')))
    expect(scripts).toContain('scripts/pnpm')
    for (const script of scripts) expect(() => accessSync(join(REPO, script), constants.X_OK), script).not.toThrow()
  })
})

describe('their forms, with a bare PATH', () => {
  it('./scripts/node runs Node 24 and ./scripts/pnpm the pinned pnpm', () => {
    expect(run(['./scripts/node', '-p', 'process.versions.node']).out.trim()).toMatch(/^24\./)
    const pinned = JSON.parse(read('package.json')).packageManager.replace('pnpm@', '')
    expect(run(['./scripts/pnpm', '--version']).out.trim().split('\n').at(-1)).toBe(pinned)
  })

  it('./scripts/pnpm exec and --filter reach the workspace tools (vitest, Playwright)', () => {
    expect(run(['./scripts/pnpm', 'exec', 'vitest', '--version']).out).toMatch(/vitest\/\d/)
    expect(run(['./scripts/pnpm', '--filter', '@bookinfo/e2e', 'exec', 'playwright', '--version']).out).toMatch(/Version 1\.\d+/)
  })

  it('./scripts/node packages/mesh-policy/test/print-matrix.ts prints the authorization matrix', () => {
    const { status, out } = run(['./scripts/node', 'packages/mesh-policy/test/print-matrix.ts'])
    expect(status).toBe(0)
    expect(out).toMatch(/^\| productpage \| `GET \/productpage` \|/m)
  })

  it('./scripts/node services/<name>/src/server.ts starts a service, which stops on SIGTERM', async () => {
    const port = await getFreePort()
    const proc = await startProcess('./scripts/node', ['services/details/src/server.ts'], {
      cwd: REPO,
      env: { ...bareEnv({ PORT: String(port), HOST: '127.0.0.1' }), NODE_OPTIONS: '' },
      readyUrl: `http://127.0.0.1:${port}/health`,
      readyStatus: 200,
    })
    expect(await (await fetch(`http://127.0.0.1:${port}/details/0`)).json()).toMatchObject({ id: 0, author: 'William Shakespeare' })
    expect(await proc.stop()).toBe(0)
  })

  it('./scripts/test.sh <path> runs vitest only, without colour codes when redirected, and ends with the count', () => {
    const { status, out } = run(['./scripts/test.sh', 'packages/service-kit/test/backend-url.test.ts'], {}, 180_000)
    expect(status).toBe(0)
    expect(out).toContain('lint and type check skipped')
    expect(out).not.toMatch(/^== (lint|type check)$/m)
    expect(out).toContain('end-to-end skipped')
    expect(out).not.toContain('\u001b[')
    expect(out.trim().split('\n').at(-1)).toBe('tests: 2 passed, 0 failed')
  })

  it('git knows the scripts as executable, so a fresh clone can run them', () => {
    const modes = execFileSync('git', ['ls-files', '-s', 'scripts'], { cwd: REPO, encoding: 'utf8' })
    for (const script of ['scripts/node', 'scripts/pnpm', 'scripts/test.sh', 'scripts/dev.sh']) {
      expect(modes).toMatch(new RegExp(`^100755 \\S+ 0\\t${script.replace('.', '\\.')}$`, 'm'))
    }
  })
})
