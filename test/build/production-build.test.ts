// The production build (`pnpm build`, what the images and the benchmarks run) answers as the TypeScript
// sources do in each mode that loads code on first use, from a chunk of the bundle: outbound calls (undici,
// reviews v2 → ratings), the MySQL driver (ratings v2 on a real MariaDB) and the mesh policy's evaluator
// (details with MESH_POLICY=on) and productpage's assets (@fastify/send). The sources' answer is the expected one, so nothing here is hard-coded.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { get } from 'node:http'
import { fileURLToPath } from 'node:url'
import { getFreePort, startService, stopAll, type ManagedProcess } from '@bookinfo/test-helpers'
import { POLICY_AUDIENCE, startPolicyIssuer, type PolicyIssuer } from '@bookinfo/test-helpers/hostile-tokens'
import { ratingsMysqlEnv, startMariaDb, type MariaDb } from '@bookinfo/test-helpers/mariadb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const BUILT = ['services/details', 'services/ratings', 'services/reviews', 'services/productpage']
const entry = (dir: string, built: boolean) => `${ROOT}${dir}/${built ? 'dist/bin/server.js' : 'src/server.ts'}`

const procs: ManagedProcess[] = []
let db: MariaDb
let policy: PolicyIssuer

beforeAll(async () => {
  // The same script `pnpm build` runs in each package (scripts/build-app.ts).
  for (const dir of BUILT) execFileSync(process.execPath, ['../../scripts/build-app.ts'], { cwd: `${ROOT}${dir}`, stdio: 'pipe' })
  db = await startMariaDb({ seedFiles: [`${ROOT}services/ratings/db/mysql-seed.sql`] })
  policy = await startPolicyIssuer()
}, 120_000)

afterAll(async () => {
  await stopAll(procs)
  await db?.stop()
  await policy?.close()
})

/** The service from its build and from its sources, with the same env; each on its own port. */
async function both (dir: string, env: Record<string, string>): Promise<{ built: string, sources: string }> {
  const [built, sources] = await Promise.all([true, false].map(async (isBuilt) => {
    const port = String(await getFreePort())
    procs.push(await startService(entry(dir, isBuilt), { ...env, PORT: port }))
    return `http://127.0.0.1:${port}`
  }))
  return { built: built!, sources: sources! }
}

async function answer (url: string, headers: Record<string, string> = {}): Promise<{ status: number, body: string }> {
  const res = await fetch(url, { headers })
  return { status: res.status, body: await res.text() }
}

/** The status of a plain GET with exactly these headers. */
async function statusOf (url: string, headers: Record<string, string>): Promise<number> {
  return await new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    }).on('error', reject)
  })
}

describe('the production build', () => {
  it('is ASCII only, so Node keeps each module\'s source as one byte per character', () => {
    for (const dir of BUILT) {
      const bin = `${ROOT}${dir}/dist/bin`
      for (const file of readdirSync(bin, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'))) {
        expect(readFileSync(`${bin}/${file}`).findIndex((byte) => byte > 0x7f), `${dir}/dist/bin/${file}`).toBe(-1)
      }
    }
  })

  it('ratings v2 reads a real MariaDB through the driver chunk, as the sources do', async () => {
    const { built, sources } = await both('services/ratings', { SERVICE_VERSION: 'v2', ...ratingsMysqlEnv(db) })
    const expected = await answer(`${sources}/ratings/0`)
    expect(expected.status).toBe(200)
    expect(await answer(`${built}/ratings/0`)).toEqual(expected)
  })

  it('reviews v2 calls ratings through the undici chunk and shows its stars, as the sources do', async () => {
    // One ratings (the build) serves both reviews.
    const ratingsPort = String(await getFreePort())
    procs.push(await startService(entry('services/ratings', true), { PORT: ratingsPort }))
    const env = { SERVICE_VERSION: 'v2', ENABLE_RATINGS: 'true', STAR_COLOR: 'black', RATINGS_HOSTNAME: '127.0.0.1', RATINGS_SERVICE_PORT: ratingsPort, HOSTNAME: 'reviews-v2-build' }
    const { built, sources } = await both('services/reviews', env)
    const expected = await answer(`${sources}/reviews/0`)
    expect(expected.body).toContain('"stars":5')
    expect(await answer(`${built}/reviews/0`)).toEqual(expected)
  })

  it('productpage serves its assets through the send chunk, as the sources do: whole, revalidated, in ranges', async () => {
    const { built, sources } = await both('services/productpage', {})
    const asset = async (base: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}/static/jquery.min.js`, { headers })
      return { status: res.status, type: res.headers.get('content-type'), range: res.headers.get('content-range'), body: await res.text() }
    }
    const whole = await asset(sources)
    expect(whole.status).toBe(200)
    expect(await asset(built)).toEqual(whole)
    for (const headers of [{ range: 'bytes=0-99' }, { range: 'bytes=99999999-' }]) expect(await asset(built, headers)).toEqual(await asset(sources, headers))
    // Each copy has its own files (and so its own ETag): each must revalidate its own. node:http, because
    // fetch adds Cache-Control: no-cache to a conditional request, which makes any server answer in full.
    for (const base of [built, sources]) {
      const etag = (await fetch(`${base}/static/jquery.min.js`)).headers.get('etag') ?? ''
      expect(await statusOf(`${base}/static/jquery.min.js`, { 'if-none-match': etag })).toBe(304)
    }
  })

  it('details enforces istio/security through the policy chunk, as the sources do', async () => {
    const { built, sources } = await both('services/details', policy.env)
    const token = await policy.issuer.sign({ aud: POLICY_AUDIENCE, sub: 'auth0|build', permissions: ['read:book-details'] })
    const cases: Array<Record<string, string>> = [{}, { authorization: `Bearer ${token}` }, { authorization: 'Bearer not-a-token' }]
    for (const headers of cases) {
      const expected = await answer(`${sources}/details/0`, headers)
      expect(await answer(`${built}/details/0`, headers)).toEqual(expected)
    }
    expect((await answer(`${built}/details/0`)).status).toBe(403)
    expect((await answer(`${built}/details/0`, { authorization: `Bearer ${token}` })).status).toBe(200)
  })
})
