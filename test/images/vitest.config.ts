// The container tier's tests (scripts/test-compose.sh runs them; the local tier's vitest excludes them):
// images.test.ts needs the images built (scripts/build-images.sh), compose.test.ts a running stack.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/images/**/*.test.ts'],
    // Ryuk (testcontainers' reaper) is an image from a registry, which these machines cannot pull; the
    // tests stop and remove their own containers instead.
    env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One file at a time: both drive the one Docker engine (and compose.test.ts its fixed ports).
    fileParallelism: false,
  },
})
