import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import { launchChromium } from '../helpers/chromium.js';
import { HlsTestCameras, testCameraEntry } from '../helpers/ffmpeg-cameras.js';
import { connectHost } from '../helpers/host-client.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { focusIncidentAmongTestCameras, handleAlarmsBefore, playingCameras } from '../helpers/video-wall.js';

const CAMERAS = 16;

/**
 * Sixteen live cameras made by ffmpeg (a clock burnt into each picture) on a media server of their own, given to the
 * backend in a cameras file: the backend relays them and the wall plays them around an incident reported among them.
 */
describe('a 16-tile wall of live ffmpeg cameras', () => {
  let work: string;
  let cameras: HlsTestCameras;
  let backend: Awaited<ReturnType<typeof startProcess>>;
  let host: Awaited<ReturnType<typeof startProcess>>;
  let client: WebSocketBridge;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-video-live-e2e-'));
    cameras = await HlsTestCameras.start(
      join(work, 'media'),
      Array.from({ length: CAMERAS }, (_, index) => ({ label: `CM9000${String(index + 1).padStart(2, '0')}` })),
    );
    const camerasFile = join(work, 'cameras.json');
    writeFileSync(
      camerasFile,
      JSON.stringify({
        formatVersion: 1,
        cameras: cameras.cameras.map((camera, index) => {
          const stream = { kind: 'hls' as const, url: cameras.playlistUrl(camera) };
          return testCameraEntry(index + 1, { main: stream, sub: stream });
        }),
      }),
    );
    backend = await startProcess(
      'out/backend/backend.mjs',
      ['--port', '0', '--data-dir', join(work, 'backend'), '--city-dir', testCityDir(), '--cameras', camerasFile],
      /Zhili backend: (http:\/\/127\.0\.0\.1:\d+)/,
    );
    host = await startProcess(
      'out/main/web-host.mjs',
      ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir(), '--backend-url', backend.match[1] as string],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/,
    );
    client = await connectHost(host.match[1] as string);
    await cameras.ready();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  });

  afterAll(async () => {
    client?.dispose();
    await browser?.close();
    await host?.stop();
    await backend?.stop();
    await cameras?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('plays all sixteen on a 4×4 layout around a focused incident', async () => {
    const grid = await focusIncidentAmongTestCameras(page, host.match[1] as string, client, '测试：路面塌陷', 16);
    await expect.poll(() => grid.locator('li[data-camera^="CM9000"]').count(), { timeout: 15_000 }).toBe(CAMERAS);
    // The city's live feed may raise alarms meanwhile, whose cameras would cover the last row: they are handled.
    await expect.poll(async () => {
      await handleAlarmsBefore(client, null);
      return grid.locator('li[data-camera^="CM9000"] [data-status="live"]').count();
    }, { timeout: 60_000 }).toBe(CAMERAS);
    await expect.poll(async () => {
      await handleAlarmsBefore(client, null);
      return (await playingCameras(page, 2000)).filter((id) => id.startsWith('CM9000')).length;
    }, { timeout: 30_000 }).toBe(CAMERAS);
    await expect.poll(() => grid.locator('li[data-camera="CM900001"] .video-tile-facts').textContent(), { timeout: 10_000 }).toMatch(/320×180/);
  });

  it('shows a camera whose encoder died as offline with its last picture time, and plays it again when it returns', async () => {
    const victim = cameras.cameras[2];
    if (!victim) throw new Error('no third camera');
    const tile = page.locator('[data-testid="video-grid"] li[data-camera="CM900003"]');
    await victim.process.kill();
    await expect.poll(() => tile.locator('[data-status]').getAttribute('data-status'), { timeout: 30_000 }).toBe('offline');
    await expect.poll(() => tile.locator('.video-tile-alert').textContent(), { timeout: 5_000 }).toMatch(/最后画面 \d{2}:\d{2}:\d{2}/);
    // The others play on meanwhile.
    await handleAlarmsBefore(client, null);
    await expect.poll(async () => (await playingCameras(page)).filter((id) => id.startsWith('CM9000') && id !== 'CM900003').length, { timeout: 10_000 }).toBe(CAMERAS - 1);

    victim.process.start();
    await expect.poll(async () => {
      await handleAlarmsBefore(client, null);
      return tile.locator('[data-status]').getAttribute('data-status');
    }, { timeout: 60_000 }).toBe('live');
    await expect.poll(async () => (await playingCameras(page)).includes('CM900003'), { timeout: 30_000 }).toBe(true);
  });
});
