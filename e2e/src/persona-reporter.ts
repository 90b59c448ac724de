// Prints one line per persona at the end of a run: the specs are tagged with the persona they drive.
import type { FullConfig, FullResult, Reporter, Suite } from '@playwright/test/reporter'

/** What a persona's specs prove, in the words of e2e/README.md. */
const PROVES: Record<string, string> = {
  anonymous: 'page renders, Sign in, details and reviews denied; API 403/403',
  user: 'IdP login, greeted by name, details shown, reviews denied; API 200/403',
  moderator: 'IdP login, details and reviews with stars in the served version\'s colour; API 200/200',
  'wrong-password': 'stays on the IdP with an error; productpage still anonymous',
  'sign-out': 'anonymous again, Back restores nothing, the next login asks for the password',
  harness: 'the leak detector finds what it must',
}

interface Tally { passed: number, failed: number, flaky: number, skipped: number }

export default class PersonaReporter implements Reporter {
  #root: Suite | undefined

  onBegin (_config: FullConfig, suite: Suite): void {
    this.#root = suite
  }

  onEnd (result: FullResult): void {
    const tallies = new Map<string, Tally>()
    for (const test of this.#root?.allTests() ?? []) {
      // Titles like "user@bookinfo.com" add tags of their own: the persona is the first tag we know.
      const tags = test.tags.map((t) => t.slice(1))
      const persona = tags.find((t) => t in PROVES) ?? tags[0] ?? 'untagged'
      const tally = tallies.get(persona) ?? { passed: 0, failed: 0, flaky: 0, skipped: 0 }
      const outcome = test.outcome()
      if (outcome === 'expected') tally.passed++
      else if (outcome === 'unexpected') tally.failed++
      else if (outcome === 'flaky') tally.flaky++
      else tally.skipped++
      tallies.set(persona, tally)
    }
    const width = Math.max(...[...tallies.keys()].map((k) => k.length), 8)
    const lines = ['', `e2e personas (${result.status}):`]
    for (const [persona, t] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
      const verdict = t.failed + t.flaky > 0 ? 'FAIL' : t.passed > 0 ? 'ok  ' : 'skip'
      const counts = `${t.passed} passed, ${t.failed} failed${t.flaky ? `, ${t.flaky} flaky` : ''}${t.skipped ? `, ${t.skipped} skipped` : ''}`
      lines.push(`  ${verdict} ${persona.padEnd(width)}  ${counts.padEnd(22)}  ${PROVES[persona] ?? ''}`.trimEnd())
    }
    process.stdout.write(`${lines.join('\n')}\n`)
  }

  printsToStdio (): boolean {
    return true
  }
}
