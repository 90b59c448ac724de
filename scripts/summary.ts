// Prints the plain closing line CI reads: "tests: N passed, N failed".
// Reads vitest's JSON report and Playwright's (`.run/playwright.json`), in any mix.
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

const files = process.argv.slice(2)
let passed = 0
let failed = 0
for (const file of files) {
  let report: unknown
  try {
    report = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    // A suite that wrote no report did not pass: count it as one failure rather than as nothing.
    process.stderr.write(`summary: no readable report ${file} (${(err as Error).message}); counted as 1 failure\n`)
    failed += 1
    continue
  }
  const c = counts(report)
  passed += c.passed
  failed += c.failed
}
process.stdout.write(`tests: ${passed} passed, ${failed} failed\n`)
