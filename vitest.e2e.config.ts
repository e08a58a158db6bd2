import { defineConfig } from 'vitest/config';

/** End-to-end tests: real host processes and Debian's Chromium driven by playwright-core. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // A window updates after a round trip to its host and a render: on two shared cores that can take seconds, past
    // expect.poll's 1 s default. Polls that need longer say so.
    expect: { poll: { timeout: 10_000, interval: 100 } },
  },
});
