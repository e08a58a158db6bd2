import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';

/**
 * The last resort, in real processes: a fault injected into the built web host and backend (an exception nothing
 * catches and an unhandled rejection) is logged with its reason, turns /healthz to degraded, and the process serves on.
 * And the test helper fails a test on such a line unless the test declared it.
 */
describe('the last-resort handlers', () => {
  let work: string;
  const env = { NODE_OPTIONS: `--import=${pathToFileURL(join(repoRoot, 'test', 'fixtures', 'last-resort-faults.mjs')).href}` };
  const injected = [/\[error\] .*programming error, uncaught exception .*injected uncaught fault/, /\[error\] .*programming error, unhandled rejection .*injected unhandled rejection/];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'zhili-last-resort-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const degradedHealth = async (base: string) => {
    await expect
      .poll(async () => ((await (await fetch(`${base}/healthz`)).json()) as { status: string }).status, { timeout: 15_000 })
      .toBe('degraded');
    return (await (await fetch(`${base}/healthz`)).json()) as { degradations: { reason: string; count: number }[] };
  };

  it('keeps the web host serving, with /healthz degraded and why', async () => {
    const host = await startProcess('out/main/web-host.mjs', ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir()], /Zhili web host: (http:\/\/127\.0\.0\.1:\d+)\//, {
      env,
      expectedErrors: injected,
    });
    const base = host.match[1] as string;
    const health = await degradedHealth(base);
    expect(health.degradations.map((entry) => [entry.reason, entry.count])).toEqual([
      ['unhandled rejection: Error: injected unhandled rejection', 1],
      ['uncaught exception: Error: injected uncaught fault', 1],
    ]);
    expect((await fetch(`${base}/map`)).status).toBe(200);
    expect(host.child.exitCode).toBeNull();
    expect(await host.stop()).toBe(0);
  });

  it('keeps the standalone backend serving, and fails a test whose process logged an error it did not expect', async () => {
    const backend = await startProcess('out/backend/backend.mjs', ['--port', '0', '--data-dir', join(work, 'backend'), '--city-dir', testCityDir()], /Zhili backend: (http:\/\/127\.0\.0\.1:\d+)/, { env });
    const base = backend.match[1] as string;
    expect((await degradedHealth(base)).degradations).toHaveLength(2);
    expect(backend.child.exitCode).toBeNull();
    await expect(backend.stop()).rejects.toThrow(/logged 2 unexpected error line\(s\)[^]*injected unhandled rejection[^]*injected uncaught fault/);
  });
});
