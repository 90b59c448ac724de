import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { defineConfig, devices } from '@playwright/test'
import { REPO_ROOT, resolveTarget } from './src/target.ts'

const target = resolveTarget()

// A system Chromium where one is installed (Playwright's own download does not work on every machine);
// otherwise the browser `npx playwright install chromium` fetched.
const systemChromium = process.env.E2E_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined)
const launchOptions = systemChromium === undefined
  ? {}
  : {
      executablePath: systemChromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-quic'],
    }

export default defineConfig({
  testDir: './specs',
  outputDir: './test-results',
  // Each test has its own browser context (own cookies): personas run side by side against one stack.
  fullyParallel: true,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  // Flake-free is the bar: a test that passes only on a retry is a failure to fix, not to hide.
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  // Backends have 3 s deadlines and reviews two attempts: give a page that long, no more.
  expect: { timeout: 10_000 },
  globalSetup: './src/global-setup.ts',
  reporter: [
    ['list'],
    ['html', { outputFolder: './playwright-report', open: 'never' }],
    ['json', { outputFile: join(REPO_ROOT, '.run', 'playwright.json') }],
    ['./src/persona-reporter.ts'],
  ],
  use: {
    baseURL: target.baseUrl,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    video: 'off',
  },
  projects: [
    { name: 'chromium', use: { ...devices['Desktop Chrome'], launchOptions } },
  ],
})
