// The benchmark behind scripts/bench.sh (see bench/README.md): starts every server, checks each answer,
// measures interleaved rounds with wrk, the scaling curves, cold start and memory, and writes the results
// as JSON and Markdown.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join, relative } from 'node:path'
import { ROOT } from '@bookinfo/local-stack'
import { coldStarts, type ColdStart } from './coldstart.ts'
import { floodCurve, halfPeak, scalingCurve, type CurvePoint, type FloodPoint, type HalfPeak } from './curves.ts'
import { BENCH_DIR, startFleet, type Fleet } from './fleet.ts'
import { evaluateGoals } from './goals.ts'
import { parseOptions, type BenchOptions } from './options.ts'
import { markdown, type BenchReport, type Machine } from './report.ts'
import { measureRounds } from './rounds.ts'
import { stopServers } from './servers.ts'
import { buildTargets, checkTarget, type Target } from './targets.ts'

const began = Date.now()
const elapsed = () => `${Math.floor((Date.now() - began) / 60_000)}m${String(Math.round(((Date.now() - began) / 1000) % 60)).padStart(2, '0')}s`
const log = (line: string) => { process.stdout.write(`${line}\n`) }
const step = (title: string) => log(`\n== ${title} [${elapsed()}]`)

let opts: BenchOptions
try {
  opts = parseOptions(process.argv.slice(2), process.env)
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).message}\n`)
  process.exit(2)
}

const runDir = mkdtempSync(join(os.tmpdir(), 'bookinfo-bench-'))
let fleet: Fleet | undefined
async function cleanup (): Promise<void> {
  if (fleet) await stopServers(fleet.servers.values())
  fleet = undefined
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\nbench: ${signal}, stopping every server`)
    cleanup().finally(() => process.exit(130))
  })
}
// Every wrk run and every start-up is bounded; this bounds the whole run too, whatever happens.
const limitMin = opts.quick ? 10 : 20
setTimeout(() => {
  process.stderr.write(`bench: still running after ${limitMin} minutes; stopping\n`)
  cleanup().finally(() => process.exit(1))
}, limitMin * 60_000).unref()

function machine (loadBefore: number[]): Machine {
  const wrk = spawnSync('wrk', ['-v'], { encoding: 'utf8' })
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: os.availableParallelism(),
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.versions.node,
    wrk: (wrk.stdout || wrk.stderr).split('\n')[0]?.replace(/ Copyright.*$/, '') ?? 'wrk',
    loadBefore,
    loadAfter: os.loadavg(),
    namespace: process.env.BENCH_NAMESPACE === '1',
  }
}

async function main (): Promise<number> {
  const loadBefore = os.loadavg()
  log(`bench: ${opts.quick ? 'quick' : 'full'} run; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} on ${os.availableParallelism()} cores; logs in ${runDir}`)
  step('starting servers')
  fleet = await startFleet({ root: ROOT, logDir: runDir, entry: opts.entry, groups: opts.groups, upstreamSrc: opts.upstreamSrc, log })
  for (const entry of fleet.entries.values()) if (entry.warning) log(`  warning: ${entry.warning}`)
  if (opts.upstreamSrc === undefined) log('  upstream: not measured (set UPSTREAM_BOOKINFO_SRC to istio\'s samples/bookinfo/src; bench/README.md)')

  step('checking every answer once')
  const failed: string[] = []
  const targets: Target[] = []
  for (const target of await buildTargets(fleet, log)) {
    const problem = await checkTarget(fleet, target)
    if (problem === undefined) targets.push(target)
    else failed.push(`${target.name}: ${problem}`)
  }
  for (const f of failed) log(`  ✗ ${f}`)
  log(`  ${targets.length} targets answer as expected${failed.length > 0 ? `, ${failed.length} do not (left out)` : ''}`)

  step(`measuring: ${opts.rounds} rounds × ${targets.length} targets × ${opts.durationS} s`)
  const results = await measureRounds(fleet, targets, { ...opts, log })
  const byName = (name: string) => targets.find((t) => t.name === name)
  const scaling: Record<string, CurvePoint[]> = {}
  let flood: FloodPoint[] = []
  const halfPeaks: HalfPeak[] = []
  if (opts.scaling) {
    step('scaling: concurrency 1, 10, 50, 200')
    for (const name of ['details', 'page']) {
      const target = byName(name)
      if (target) scaling[name] = await scalingCurve(fleet, target, [1, 10, 50, 200], { durationS: opts.durationS, log })
    }
    if (byName('page')) {
      step('page cost as FLOOD_FACTOR grows')
      flood = await floodCurve(fleet, [0, 1, 4, 16], opts.connections, { durationS: opts.durationS, log })
    }
    step('latency at half of peak')
    for (const name of ['page', 'stack-page-moderator']) {
      const target = byName(name)
      const peak = results.find((r) => r.target.name === name)?.rps.median
      if (target && peak) halfPeaks.push(await halfPeak(fleet, target, peak, opts.connections, { durationS: opts.durationS, log }))
    }
  }
  const code = Object.fromEntries([...fleet.entries].map(([dir, e]) => [dir, e.kind]))
  await cleanup()

  let cold: ColdStart[] = []
  if (opts.coldStart) {
    step(`cold start and idle RSS (${opts.coldRepeats} times each)`)
    cold = await coldStarts({ root: ROOT, entry: opts.entry, logDir: runDir, repeats: opts.coldRepeats, settleMs: 2000, log })
  }

  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: machine(loadBefore),
    settings: { rounds: opts.rounds, durationS: opts.durationS, warmupS: opts.warmupS, connections: opts.connections, quick: opts.quick },
    code,
    results,
    scaling,
    flood,
    halfPeaks,
    cold,
    goals: evaluateGoals(results, halfPeaks, cold),
  }
  const outDir = opts.outDir ?? join(BENCH_DIR, 'results')
  mkdirSync(outDir, { recursive: true })
  const md = markdown(report)
  const stamp = report.date.replace(/[:.]/g, '-')
  writeFileSync(join(outDir, `bench-${stamp}.json`), JSON.stringify(report, null, 2))
  writeFileSync(join(outDir, 'latest.json'), JSON.stringify(report, null, 2))
  writeFileSync(join(outDir, 'latest.md'), md)
  log(`\n${md}`)
  rmSync(runDir, { recursive: true, force: true })
  const measured = report.goals.filter((g) => g.met !== undefined)
  const met = measured.filter((g) => g.met).length
  log(`bench: done in ${elapsed()}; ${targets.length} targets × ${opts.rounds} rounds; ${met} of ${measured.length} goals met; ` +
    `${failed.length > 0 ? `${failed.length} targets answered wrongly; ` : ''}results in ${relative(process.cwd(), join(outDir, 'latest.md'))}`)
  return failed.length > 0 ? 1 : 0
}

main().then((code) => process.exit(code), async (err: unknown) => {
  process.stderr.write(`bench: failed: ${(err as Error).stack ?? String(err)}\n`)
  await cleanup()
  process.exit(1)
})
