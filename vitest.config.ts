import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'dev/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration tests start real servers (MariaDB, Redis, the IdP, service processes).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**', 'services/*/src/**', 'dev/*/src/**'],
      reporter: ['text-summary'],
    },
  },
})
