import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

/** Unit, contract and migration tests: they sit beside the code they test. */
export default defineConfig({
  define: { __ZHILI_VERSION__: JSON.stringify(pkg.version) },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/plans/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Servers, sockets and child processes answer in their own time: on two shared cores past expect.poll's 1 s default.
    expect: { poll: { timeout: 5_000 } },
  },
});
