import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalStack, type LocalStack } from '@bookinfo/local-stack'
import { parseOptions } from '../src/index.ts'

// The CLI against the real local stack (the bundled IdP, the four services, istio/security enforced in each):
// a short bounded run, and what every persona got back.

const run = promisify(execFile)
const CLI = join(import.meta.dirname, '..', 'src', 'cli.ts')
let stack: LocalStack

beforeAll(async () => {
  stack = await startLocalStack({
    reviewsVersion: 'v3',
    logDir: mkdtempSync(join(tmpdir(), 'loadgen-stack-')),
    ports: { productpage: 19380, details: 19381, ratings: 19382, 'reviews-v1': 19383, 'reviews-v2': 19384, 'reviews-v3': 19385, idp: 19390 },
  })
}, 90_000)

afterAll(async () => { await stack?.stop() })

describe('bookinfo-loadgen against the local stack', () => {
  it('plays each persona through the real login: 200s where the matrix allows, 403s where it denies; no token in its output', async () => {
    const { stdout } = await run(process.execPath, [CLI, '--target', stack.productpageUrl, '--sessions', '8', '--rate', '8', '--pages', '2'], { timeout: 60_000 })
    const lines = stdout.trim().split('\n')
    expect(lines.at(-2)).toMatch(/^loadgen: done: 8 sessions \(0 failed\), 200: \d+, 403: \d+$/)
    const { byPersona } = JSON.parse(lines.at(-1) ?? '{}') as { byPersona: Record<string, Record<string, Record<string, number>>> }
    const page = (persona: string, request: string): Record<string, number> | undefined => byPersona[persona]?.[request]
    // Two sessions each, two page views per session.
    expect(page('anonymous', '/productpage')).toEqual({ 200: 4 })
    expect(page('anonymous', '/api/v1/products/0')).toEqual({ 403: 4 })
    expect(page('anonymous', '/api/v1/products/0/reviews')).toEqual({ 403: 4 })
    expect(page('user', 'login')).toEqual({ 200: 2 })
    expect(page('user', '/api/v1/products/0')).toEqual({ 200: 4 })
    expect(page('user', '/api/v1/products/0/reviews')).toEqual({ 403: 4 })
    for (const persona of ['moderator', 'jason']) {
      expect(page(persona, 'login')).toEqual({ 200: 2 })
      expect(page(persona, '/api/v1/products/0')).toEqual({ 200: 4 })
      expect(page(persona, '/api/v1/products/0/reviews')).toEqual({ 200: 4 })
      expect(page(persona, 'logout')).toEqual({ 200: 2 })
    }
    expect(stdout).not.toMatch(/eyJ[\w-]+\.[\w-]+/)
  })

  it('--connect-to sends every connection to one address while URLs keep the public origin (as in a cluster)', async () => {
    const { stdout } = await run(process.execPath, [CLI, '--target', 'http://bookinfo.invalid:8080', '--connect-to', `127.0.0.1:${stack.ports.productpage}`,
      '--personas', 'anonymous', '--sessions', '1', '--pages', '1'], { timeout: 30_000 })
    expect(stdout).toContain('(connecting to 127.0.0.1:19380)')
    expect(stdout).toContain('loadgen: done: 1 sessions (0 failed), 200: 1, 403: 2')
  })

  it('refuses bad options with a message naming the option (exit 2)', async () => {
    await expect(run(process.execPath, [CLI, '--rate', 'fast'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--rate must be a number') })
    await expect(run(process.execPath, [CLI, '--target', 'ftp://x'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--target must be local, compose, kind') })
  })
})

describe('options', () => {
  it('flags win over LOADGEN_* variables, which win over the defaults; named targets', () => {
    expect(parseOptions([], {})).toEqual({ target: 'http://localhost:9080', rate: 1, pages: 3, sessions: 0, durationMs: 0 })
    expect(parseOptions(['--target', 'compose'], { LOADGEN_TARGET: 'http://localhost:8080', LOADGEN_RATE: '2' }))
      .toMatchObject({ target: 'http://localhost:9080', rate: 2 })
    expect(parseOptions([], { LOADGEN_TARGET: 'http://localhost:8080', LOADGEN_CONNECT_TO: 'gw.istio-system:80', LOADGEN_DURATION: '1.5' }))
      .toEqual({ target: 'http://localhost:8080', rate: 1, pages: 3, sessions: 0, durationMs: 1500, connectTo: 'gw.istio-system:80' })
  })
})
