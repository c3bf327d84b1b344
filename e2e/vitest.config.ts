import { defineConfig } from 'vitest/config';

// Browser tests share 2 cores with the SFU: run files one at a time, and give real media time to flow.
export default defineConfig({
  test: {
    include: ['tests/**/*.e2e.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 90_000,
    // testcontainers' reaper is an image from a registry, which CI has not; the deploy test tears down itself.
    env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
  },
});
