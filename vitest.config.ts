import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'dev/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // The container tier (images, compose) has its own config and runs in scripts/test-compose.sh.
    exclude: [...configDefaults.exclude, 'test/images/**'],
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
