// Prints the plain closing line CI reads: "tests: N passed, N failed".
// Reads vitest's JSON report and Playwright's (`.run/playwright.json`), in any mix. Reports may come in named
// groups, one per test tier (`local: a.json b.json compose: c.json`): each group gets a line of its own, and
// the closing line counts them all.
import { readFileSync } from 'node:fs'

interface VitestReport { numPassedTests: number, numFailedTests: number }
interface PlaywrightReport {
  stats: { expected: number, unexpected: number, flaky: number }
  /** Errors outside any test (global setup/teardown, e.g. a token found in the logs after the run). */
  errors?: unknown[]
}

function counts (report: unknown): { passed: number, failed: number } {
  if (typeof report === 'object' && report !== null && 'stats' in report) {
    const { stats, errors = [] } = report as PlaywrightReport
    // retries are off, so "flaky" only appears if someone turns them on: a flaky test is not a pass.
    return { passed: stats.expected, failed: stats.unexpected + stats.flaky + errors.length }
  }
  const { numPassedTests, numFailedTests } = report as VitestReport
  return { passed: numPassedTests, failed: numFailedTests }
}

function countFile (file: string): { passed: number, failed: number } {
  let report: unknown
  try {
    report = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    // A suite that wrote no report did not pass: count it as one failure rather than as nothing.
    process.stderr.write(`summary: no readable report ${file} (${(err as Error).message}); counted as 1 failure\n`)
    return { passed: 0, failed: 1 }
  }
  return counts(report)
}

/** `name:` starts a group; files before any name form an unnamed one. */
function groups (args: string[]): Array<{ name: string | undefined, files: string[] }> {
  const out: Array<{ name: string | undefined, files: string[] }> = []
  for (const arg of args) {
    if (arg.endsWith(':')) out.push({ name: arg.slice(0, -1), files: [] })
    else if (out.length === 0) out.push({ name: undefined, files: [arg] })
    else out[out.length - 1]?.files.push(arg)
  }
  return out
}

let passed = 0
let failed = 0
const named = groups(process.argv.slice(2))
for (const group of named) {
  const c = group.files.map(countFile).reduce((a, b) => ({ passed: a.passed + b.passed, failed: a.failed + b.failed }), { passed: 0, failed: 0 })
  // A named tier with no report at all ran nothing: that is a failure too.
  if (group.name !== undefined && group.files.length === 0) c.failed += 1
  if (group.name !== undefined) process.stdout.write(`  ${group.name} tier: ${c.passed} passed, ${c.failed} failed\n`)
  passed += c.passed
  failed += c.failed
}
process.stdout.write(`tests: ${passed} passed, ${failed} failed\n`)
