import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // hang guards, not timing assertions: PGlite initdb and CLI start-ups are slow on a loaded 2-core box
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // database suites each open their own PGlite or PostgreSQL schema; two workers match the machine
    maxWorkers: 2,
  },
})
