import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 10_000,
    hookTimeout: 10_000,
    // Network tests spawn children and servers; two workers suit the 2-core CI machine.
    maxWorkers: 2,
    // Every temporary file of the run goes under one folder, removed at the end (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
  },
});
