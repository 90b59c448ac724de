// Prints the plain closing line CI reads: "tests: N passed, N failed".
import { readFileSync } from 'node:fs'

const files = process.argv.slice(2)
let passed = 0
let failed = 0
for (const file of files) {
  const report = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number, numFailedTests: number }
  passed += report.numPassedTests
  failed += report.numFailedTests
}
process.stdout.write(`tests: ${passed} passed, ${failed} failed\n`)
