import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // database suites each open their own PGlite or PostgreSQL schema; two workers match the machine
    maxWorkers: 2,
  },
})
