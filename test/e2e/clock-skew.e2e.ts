import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import { launchChromium } from '../helpers/chromium.js';
import { call, connectHost } from '../helpers/host-client.js';
import { enrolConsole } from '../helpers/backend-consoles.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { signedInPage } from '../helpers/identity.js';

/** Debian's libfaketime (package faketime): runs a process with its wall clock shifted, as a machine without NTP has. */
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
if (!existsSync(LIBFAKETIME)) console.log('SKIPPED: the clock-skew test needs libfaketime (apt-get install faketime).');

type Running = Awaited<ReturnType<typeof startProcess>>;

/**
 * A console whose clock is 3 minutes fast, on a standalone backend with the right time: alarms still pop up (their
 * freshness goes by the backend's time), and every window's status bar says the clock is off.
 */
describe.skipIf(!existsSync(LIBFAKETIME))('a console whose clock is 3 minutes fast', () => {
  let work: string;
  let backend: Running;
  let host: Running;
  let client: WebSocketBridge;
  let browser: Browser;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-clock-skew-e2e-'));
    backend = await startProcess('out/backend/backend.mjs', ['--port', '0', '--data-dir', join(work, 'backend'), '--city-dir', testCityDir()], /Zhili backend: http:\/\/127\.0\.0\.1:(\d+)/);
    const credentialFile = await enrolConsole(join(work, 'backend'), 'skewed-console');
    host = await startProcess(
      'out/main/web-host.mjs',
      ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir(), '--backend-url', `http://127.0.0.1:${backend.match[1] as string}`, '--backend-token-file', credentialFile],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/,
      // The wall clock only: timers and leases run on the monotonic clock, which NTP does not step either.
      { env: { LD_PRELOAD: LIBFAKETIME, FAKETIME: '+3m', FAKETIME_DONT_FAKE_MONOTONIC: '1' } },
    );
    client = await connectHost(host.match[1] as string);
    browser = await launchChromium();
  });

  afterAll(async () => {
    client?.dispose();
    await browser?.close();
    await host?.stop();
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('runs under the shifted clock (the test checks its own premise)', async () => {
    const status = await call(client, 'backend.status', {});
    expect(Date.parse(status.since) - Date.now()).toBeGreaterThan(170_000);
  });

  it('still pops up an alarm reported now', async () => {
    await expect.poll(async () => (await call(client, 'backend.status', {})).state, { timeout: 15_000 }).toBe('connected');
    const incident = await call(client, 'incidents.report', {
      type: 'gas-leak',
      title: '测试：时钟偏差下的告警',
      severity: 'critical',
      position: [106.5772, 29.5576],
      districtAdcode: '500103',
      riskGrade: 'red',
    });
    await expect.poll(async () => (await call(client, 'shared.get', {})).alarms.map((alarm) => alarm.incidentId), { timeout: 15_000 }).toContain(incident.id);
  });

  it('shows the skew in the status bar, in both languages', async () => {
    const page = await signedInPage(browser, host.match[1] as string, { viewport: { width: 1400, height: 800 } });
    await page.goto(`${host.match[1] as string}map`);
    const skew = page.getByTestId('clock-skew');
    await expect.poll(() => skew.getAttribute('data-skew-seconds'), { timeout: 15_000 }).not.toBeNull();
    expect(Math.abs(Number(await skew.getAttribute('data-skew-seconds')) - 180)).toBeLessThan(10);
    expect(await skew.textContent()).toMatch(/本机时钟与后端相差 \+1[78]\d s/);
    await call(client, 'settings.update', { language: 'en' });
    await expect.poll(() => skew.textContent(), { timeout: 10_000 }).toMatch(/Console clock off from the backend by \+1[78]\d s/);
    await page.close();
  });
});
