// The suite's `test`: the target, the page helpers, and after every flow the token leak checks.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { test as base, expect } from '@playwright/test'
import { bookinfo, type Bookinfo } from './bookinfo.ts'
import { findLeaksInBrowser, findLeaksInLogs, formatLeaks } from './leaks.ts'
import { resolveTarget, type Target } from './target.ts'
import { fetchCapturedTokens } from './token-capture.ts'

interface Fixtures {
  app: Bookinfo
  /** Runs after the test body: no token in what the browser holds or in any service log (local, E2E_LOG_DIR). */
  noTokenLeaks: void
}

/** The tokens productpage received so far (local target only: elsewhere there is no back channel to tap). */
export async function capturedTokens (target: Target): Promise<string[]> {
  return target.kind === 'local' ? fetchCapturedTokens(target.capturedTokensUrl) : []
}

export const test = base.extend<Fixtures, { target: Target }>({
  target: [async ({}, use) => { // eslint-disable-line no-empty-pattern
    await use(resolveTarget())
  }, { scope: 'worker' }],

  app: async ({ page, target }, use) => {
    await use(bookinfo(page, target))
  },

  noTokenLeaks: [async ({ page, target }, use, testInfo) => {
    await use()
    if (testInfo.status !== testInfo.expectedStatus) {
      // A failure keeps the services' logs beside the trace and the screenshot.
      if (target.logDir !== undefined) {
        for (const file of (await readdir(target.logDir)).filter((f) => f.endsWith('.log'))) {
          await testInfo.attach(`log ${file}`, { path: join(target.logDir, file), contentType: 'text/plain' })
        }
      }
      return
    }
    await test.step('no token leaks', async () => {
      const captured = await capturedTokens(target)
      const leaks = await findLeaksInBrowser(page, captured)
      if (target.logDir !== undefined) leaks.push(...await findLeaksInLogs(target.logDir, captured))
      else testInfo.annotations.push({ type: 'leak check', description: 'browser only: no E2E_LOG_DIR with the deployment\'s logs' })
      expect(leaks, `tokens leaked:\n${formatLeaks(leaks)}`).toEqual([])
    })
  }, { auto: true }],
})

export { expect }
