import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { enrolConsole } from '../helpers/backend-consoles.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { playingCameras } from '../helpers/video-wall.js';
import { signedInPage } from '../helpers/identity.js';

/**
 * The video wall with no configuration: the backend's demo cameras (committed clips looped as live HLS) play on the
 * tiles of the scene's camera group. The backend runs as its own process so the test can take the streams away.
 */
describe('the video wall plays the demo cameras', () => {
  let work: string;
  let backend: Awaited<ReturnType<typeof startProcess>>;
  let backendPort: string;
  let host: Awaited<ReturnType<typeof startProcess>>;
  let browser: Browser;
  let page: Page;

  const startBackend = (port: string) =>
    startProcess('out/backend/backend.mjs', ['--port', port, '--data-dir', join(work, 'backend'), '--city-dir', testCityDir()], /Zhili backend: http:\/\/127\.0\.0\.1:(\d+)/);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-video-e2e-'));
    backend = await startBackend('0');
    backendPort = backend.match[1] as string;
    const credentialFile = await enrolConsole(join(work, 'backend'), 'video-console');
    host = await startProcess(
      'out/main/web-host.mjs',
      ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir(), '--backend-url', `http://127.0.0.1:${backendPort}`, '--backend-token-file', credentialFile],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/,
    );
    browser = await launchChromium();
    page = await signedInPage(browser, host.match[1] as string, { viewport: { width: 1600, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('plays at least four cameras live on the scene’s layout, each tile naming its camera and showing its picture size', async () => {
    await page.goto(`${host.match[1] as string}video`);
    const live = page.locator('[data-testid="video-grid"] [data-status="live"]');
    await expect.poll(() => live.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
    await expect.poll(async () => (await playingCameras(page)).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
    const first = page.locator('[data-testid="video-grid"] li[data-camera]').first();
    expect(await first.locator('.video-tile-name').textContent()).not.toBe('');
    await expect.poll(() => first.locator('.video-tile-facts').textContent(), { timeout: 10_000 }).toMatch(/640×360/);
  });

  it('shows the tiles offline with their last picture time when the streams go away, and plays again when they return', async () => {
    await backend.stop();
    const grid = page.locator('[data-testid="video-grid"]');
    await expect.poll(() => grid.locator('[data-status="live"]').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => grid.locator('.video-tile-alert').first().textContent(), { timeout: 30_000 }).toMatch(/最后画面 \d{2}:\d{2}:\d{2}/);
    backend = await startBackend(backendPort);
    await expect.poll(() => grid.locator('[data-status="live"]').count(), { timeout: 90_000 }).toBeGreaterThanOrEqual(4);
    await expect.poll(async () => (await playingCameras(page)).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
  });
});
