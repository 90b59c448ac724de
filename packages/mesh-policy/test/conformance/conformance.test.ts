// The conformance suite: cases taken from Istio's integration tests and its task and reference pages,
// each citing its source, run through the real plugin (see harness.ts). A case states what Istio answers;
// README.md "Conformance" lists the surprises it pins and the few places where we differ on purpose.
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Fastify from 'fastify'
import { getFreePort, startTestServer, type TestServer } from '@bookinfo/test-helpers'
import { meshPolicyPlugin } from '../../src/index.ts'
import { createIssuer, policyDir, startJwksServer } from '../helpers.ts'
import { resolveCaseValue, send, startWorkload, type CaseEnv, type ConformanceGroup, type RunningWorkload } from './harness.ts'
import { createTokens } from './tokens.ts'
import { GROUPS } from './groups.ts'
import { REFUSALS } from './cases/refusals.ts'

let base: Omit<CaseEnv, 'port'>
const servers: TestServer[] = []

beforeAll(async () => {
  const table = await createTokens()
  const jwks = await startJwksServer([table.key.jwk])
  const slow = await startTestServer(async (_req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 500))
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: [table.key.jwk] }))
  })
  const discovered = await createIssuer('pending', 'discovered-key')
  const discoveryJwks = await startJwksServer([discovered.jwk])
  const discovery = await startTestServer((req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(req.url === '/.well-known/openid-configuration' ? { issuer: discoveryIssuer, jwks_uri: `${discoveryJwks.url}/keys` } : {}))
  })
  const discoveryIssuer = discovery.url
  servers.push(jwks, slow, discoveryJwks, discovery)
  base = {
    tokens: table.tokens,
    jwksUri: `${jwks.url}/.well-known/jwks.json`,
    slowJwksUri: `${slow.url}/jwks`,
    deadJwksUri: `http://127.0.0.1:${await getFreePort()}/jwks`,
    discoveryIssuer,
    discoveryToken: await discovered.signExact({ iss: discoveryIssuer, sub: 'someone', exp: Math.floor(Date.now() / 1000) + 600 }),
    inlineJwks: JSON.stringify({ keys: [table.key.jwk] }),
  }
})

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()))
})

function runGroup (group: ConformanceGroup): void {
  describe(group.title, () => {
    let workload: RunningWorkload
    let env: CaseEnv
    beforeAll(async () => ({ workload, env } = await startWorkload(group, base)))
    afterAll(async () => { await workload.close() })

    it.each(group.cases)('$name', async (c) => {
      const answer = await send(workload, env, c.request)
      expect(answer.status, `${c.name} (${c.source}): ${answer.body}`).toBe(c.expect.status)
      if (c.expect.body !== undefined) expect(answer.body).toBe(c.expect.body)
      for (const [name, part] of Object.entries(c.expect.responseHeaders ?? {})) expect(String(answer.headers[name])).toContain(part)
      const seen = resolveCaseValue(c.expect.seen, env)
      if (seen) {
        const echo = JSON.parse(answer.body) as { url: string, headers: Record<string, string> }
        if (seen.url !== undefined) expect(echo.url).toBe(seen.url)
        for (const [name, value] of Object.entries(seen.headers ?? {})) expect(echo.headers[name] ?? null, name).toBe(value)
      }
      for (const line of c.expect.logs ?? []) expect(workload.logs()).toContain(line)
    })
  })
}

GROUPS.forEach(runGroup)

describe('refused at start-up, naming the resource, the field and the reason', () => {
  it.each(REFUSALS)('$name', async (r) => {
    const app = Fastify()
    const files = [await policyDir({ 'p.yaml': r.yaml })]
    await expect(app.register(meshPolicyPlugin, { enabled: true, files, workload: { namespace: 'echo1', labels: { app: 'echo' } } })).rejects.toThrow(r.message)
    await app.close()
  })
})

describe('the suite itself', () => {
  it('holds at least 120 request cases, each with a source', () => {
    const cases = GROUPS.flatMap((g) => g.cases)
    expect(cases.length).toBeGreaterThanOrEqual(120)
    expect(cases.filter((c) => !/istio\.io|istio\/istio/.test(c.source))).toEqual([])
  })

  it('is described with its real size in the README', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
    const cases = GROUPS.flatMap((g) => g.cases).length
    expect(readme).toContain(`runs ${cases} request cases in ${GROUPS.length} groups and ${REFUSALS.length} start-up refusals`)
  })
})
