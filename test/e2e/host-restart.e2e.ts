import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { connectHost } from '../helpers/host-client.js';
import { contextWithCredential, enrolDevice, signedInPage } from '../helpers/identity.js';
import { startProcess, type RunningProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';

/**
 * A wall screen through a host that dies: the page stays up, says it lost its host, and is back on its own, still
 * signed in (its session is kept, hashed, in the console's database, and the page's cookie still holds it), once the
 * host is restarted. The same for a kiosk screen enrolled with its own view-only credential.
 */
describe('a wall screen across a host restart', () => {
  const work = mkdtempSync(join(tmpdir(), 'zhili-host-restart-'));
  let host: RunningProcess | null = null;
  afterAll(async () => {
    await host?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('comes back by itself, signed in, after the host is killed and started again', async () => {
    const start = (port: string) =>
      startProcess('out/main/web-host.mjs', ['--port', port, '--data-dir', join(work, 'data'), '--city-dir', testCityDir(), '--demo-ptz-cameras', '0'], /Zhili web host: http:\/\/127\.0\.0\.1:(\d+)\//);
    const first = await start('0');
    host = first;
    const port = first.match[1] as string;
    const browser = await launchChromium();
    try {
      const base = `http://127.0.0.1:${port}/`;
      const page = await signedInPage(browser, base);
      await page.goto(`${base}plans`);
      const hostState = page.getByTestId('host-state');
      await expect.poll(() => hostState.getAttribute('class'), { timeout: 30_000 }).toContain('state-connected');
      // A kiosk screen beside it, on the plans screen too (no map to render on llvmpipe meanwhile).
      const admin = await connectHost(base);
      const kiosk = await (await contextWithCredential(browser, base, await enrolDevice(admin, base, { kind: 'screen', label: 'Wall 1' }))).newPage();
      admin.dispose();
      await kiosk.goto(`${base}plans`);
      await expect.poll(() => kiosk.getByTestId('view-only').count(), { timeout: 30_000 }).toBe(1);
      await page.evaluate(() => ((window as { zhiliMarker?: number }).zhiliMarker = 1));

      await first.stop('SIGKILL');
      const killedAt = Date.now();
      await expect.poll(() => hostState.getAttribute('class'), { timeout: 10_000 }).not.toContain('state-connected');
      const second = await start(port);
      host = second;
      const readyAt = Date.now();
      await expect.poll(() => hostState.getAttribute('class'), { timeout: 30_000, interval: 50 }).toContain('state-connected');
      const backAt = Date.now();
      console.log(`host restart: the wall screen was back ${backAt - readyAt} ms after the new host was ready (${backAt - killedAt} ms after the kill)`);
      // The same page, not a reload: what the wall showed stays up throughout.
      expect(await page.evaluate(() => (window as { zhiliMarker?: number }).zhiliMarker)).toBe(1);
      // Still signed in as the same user: the session survived the restart, and a reload needs no new sign-in.
      // (The city's files are served to signed-in callers only.)
      expect(await page.evaluate(async () => (await fetch('/city/manifest.json')).status)).toBe(200);
      // The kiosk too, with its screen credential: back connected, still view-only, its credential still accepted.
      await expect.poll(() => kiosk.getByTestId('host-state').getAttribute('class'), { timeout: 30_000 }).toContain('state-connected');
      expect(await kiosk.getByTestId('view-only').count()).toBe(1);
      expect(await kiosk.evaluate(async () => (await fetch('/city/manifest.json')).status)).toBe(200);
      await kiosk.reload();
      await expect.poll(() => kiosk.getByTestId('view-only').count(), { timeout: 30_000 }).toBe(1);
      await page.reload();
      await expect.poll(() => hostState.getAttribute('class'), { timeout: 30_000 }).toContain('state-connected');
      expect(await page.evaluate(async () => (await fetch('/city/manifest.json')).status)).toBe(200);
    } finally {
      await browser.close();
    }
  });
});
