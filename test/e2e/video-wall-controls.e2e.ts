import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import { launchChromium } from '../helpers/chromium.js';
import { call, connectHost } from '../helpers/host-client.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { waitUntil } from '../helpers/wait.js';
import { playingCameras } from '../helpers/video-wall.js';
import { signedInPage } from '../helpers/identity.js';

/**
 * The operator's controls of the video wall on the demo cameras: a tour, one tile on its own, a camera chosen on a map,
 * and what of them a reloaded window keeps.
 */
describe('the video wall’s controls', () => {
  let work: string;
  let host: Awaited<ReturnType<typeof startProcess>>;
  let client: WebSocketBridge;
  let browser: Browser;
  let page: Page;

  const gridCameras = () => page.getByTestId('video-grid').locator('li[data-camera]:not([data-alarm])').evaluateAll((items) => items.map((item) => item.getAttribute('data-camera')));
  /**
   * Whether the grid shows `expected` (a page of four). The demo city's feed may raise an alarm meanwhile, whose cameras
   * cover the last row: the positions above it must still hold the page's first cameras.
   */
  const showsPage = async (expected: readonly string[]) => {
    const shown = await gridCameras();
    return shown.length >= 2 && JSON.stringify(shown) === JSON.stringify(expected.slice(0, shown.length));
  };
  const singleTile = () => page.locator('[data-testid="video-grid"][data-single] .video-tile-player');

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-video-controls-e2e-'));
    host = await startProcess('out/main/web-host.mjs', ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir()], /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/);
    client = await connectHost(host.match[1] as string);
    browser = await launchChromium();
    page = await signedInPage(browser, host.match[1] as string, { viewport: { width: 1600, height: 900 } });
    await page.goto(`${host.match[1] as string}video`);
    await waitUntil(() => page.getByTestId('backend-state').getAttribute('data-state'), (state) => state === 'connected', 'the backend link');
  });

  afterAll(async () => {
    client?.dispose();
    await browser?.close();
    await host?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('tours the scene’s cameras a layout at a time, moving on after the dwell', async () => {
    const group = await call(client, 'cameras.group', { group: { siteTypes: ['cross-river-bridge', 'gas-station', 'crowded-place'], grades: ['red', 'orange'] }, count: 16 });
    expect(group.length).toBeGreaterThan(4);
    await page.getByTestId('video-layout-4').click();
    // The page notes each turn of the tour as it commits it, so the dwell is measured from the turns themselves, not
    // through the test's polling (which, on a loaded machine, sees the first page late).
    await page.evaluate(() => {
      const turns: { page: string | null; at: number }[] = [];
      (window as unknown as { tourTurns: typeof turns }).tourTurns = turns;
      const note = () => {
        const shown = document.querySelector('[data-testid="video-tour-page"]')?.getAttribute('data-page') ?? null;
        if (turns.at(-1)?.page !== shown) turns.push({ page: shown, at: performance.now() });
      };
      new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-page'] });
    });
    await page.getByTestId('video-tour').selectOption('3');
    const pageMark = page.getByTestId('video-tour-page');
    await expect.poll(() => pageMark.getAttribute('data-page'), { timeout: 5_000 }).toBe('0');
    await expect.poll(() => showsPage(group.slice(0, 4).map((camera) => camera.id)), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => pageMark.getAttribute('data-page'), { timeout: 10_000 }).toBe('1');
    const turns = await page.evaluate(() => (window as unknown as { tourTurns: { page: string | null; at: number }[] }).tourTurns);
    const turnedTo = (shown: string) => turns.find((turn) => turn.page === shown)?.at ?? Number.NaN;
    console.log(`video wall: the tour showed its first page for ${Math.round(turnedTo('1') - turnedTo('0'))} ms (dwell 3 s)`);
    // Never sooner than the dwell, less a second: each turn is seen when React commits it, which under load lags its
    // timer by a varying few hundred ms.
    expect(turnedTo('1') - turnedTo('0')).toBeGreaterThanOrEqual(2_000);
    await expect.poll(() => showsPage(group.slice(4, 8).map((camera) => camera.id)), { timeout: 10_000 }).toBe(true);
    await expect.poll(async () => (await playingCameras(page)).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    await page.getByTestId('video-tour').selectOption('');
    expect(await pageMark.count()).toBe(0);
  });

  it('plays a double-clicked tile alone on its main stream, and returns to the grid’s sub-streams with Esc', async () => {
    const first = page.getByTestId('video-grid').locator('li[data-camera]').first();
    const cameraId = (await first.getAttribute('data-camera')) as string;
    // The tiles were just handed back from the tour: their streams resolve a moment later.
    await expect.poll(() => first.locator('.video-tile-player').getAttribute('data-stream'), { timeout: 10_000 }).toMatch(/-sub\.m3u8/);
    await first.dblclick();
    await expect.poll(() => singleTile().getAttribute('data-quality'), { timeout: 5_000 }).toBe('main');
    expect(await page.getByTestId('video-grid').getAttribute('data-single')).toBe(cameraId);
    await expect.poll(() => singleTile().getAttribute('data-stream'), { timeout: 10_000 }).toMatch(/-main\.m3u8/);
    await expect.poll(async () => await playingCameras(page), { timeout: 20_000 }).toEqual([cameraId]);
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await gridCameras()).length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
  });

  it('plays a camera dragged from the camera list onto a tile, in that tile’s place', async () => {
    const wall = await gridCameras();
    const camera = (await call(client, 'cameras.search', { text: '', limit: 50 })).find((candidate) => !wall.includes(candidate.id));
    if (!camera) throw new Error('no camera off the wall');
    await page.getByTestId('camera-list-toggle').click();
    await page.getByTestId('camera-search').fill(camera.id);
    const target = page.getByTestId('video-grid').locator('li[data-camera]').nth(1);
    await page.locator(`[data-list-camera="${camera.id}"]`).dragTo(target);
    await expect.poll(async () => (await gridCameras())[1], { timeout: 5_000 }).toBe(camera.id);
    expect((await gridCameras())[0]).toBe(wall[0]);
    await expect.poll(async () => (await playingCameras(page)).includes(camera.id), { timeout: 20_000 }).toBe(true);
    await page.getByTestId('camera-list-toggle').click();
  });

  it('plays a camera chosen on a map window', async () => {
    const [camera] = await call(client, 'cameras.near', { position: [106.3, 29.9], count: 1, radiusM: 50_000 });
    if (!camera) throw new Error('no camera in the test city');
    // What a map click sends (see MapView): a play request, which the one video window open claims.
    expect(await call(client, 'wallPlay.request', { requestId: 'e2e-wall-play-1', cameraId: camera.id })).toEqual({ delivered: 1 });
    await expect.poll(() => page.getByTestId('video-grid').getAttribute('data-single'), { timeout: 10_000 }).toBe(camera.id);
    await expect.poll(async () => await playingCameras(page), { timeout: 20_000 }).toEqual([camera.id]);
    await page.getByTestId('video-back').click();
    await expect.poll(async () => (await gridCameras()).length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
  });

  it('keeps a camera dragged onto a tile, and a running tour, when the window is reloaded', async () => {
    const reload = async () => {
      await page.reload();
      await waitUntil(() => page.getByTestId('backend-state').getAttribute('data-state'), (state) => state === 'connected', 'the backend link after the reload');
    };
    const wall = await gridCameras();
    const camera = (await call(client, 'cameras.search', { text: '', limit: 50 })).find((candidate) => !wall.includes(candidate.id));
    if (!camera) throw new Error('no camera off the wall');
    await page.getByTestId('camera-list-toggle').click();
    await page.getByTestId('camera-search').fill(camera.id);
    await page.locator(`[data-list-camera="${camera.id}"]`).dragTo(page.getByTestId('video-grid').locator('li[data-camera]').nth(1));
    await expect.poll(async () => (await gridCameras())[1], { timeout: 5_000 }).toBe(camera.id);

    await reload();
    // The same wall (source and layout) comes back with the dragged camera in its tile, playing.
    await expect.poll(async () => (await gridCameras())[1], { timeout: 15_000 }).toBe(camera.id);
    expect((await gridCameras())[0]).toBe(wall[0]);
    await expect.poll(async () => (await playingCameras(page)).includes(camera.id), { timeout: 20_000 }).toBe(true);

    await page.getByTestId('video-tour').selectOption('3');
    const pageMark = page.getByTestId('video-tour-page');
    await expect.poll(() => pageMark.getAttribute('data-page'), { timeout: 5_000 }).toBe('0');
    await reload();
    // The tour goes on after the reload: still chosen, and still turning its pages.
    await expect.poll(() => page.getByTestId('video-tour').inputValue(), { timeout: 15_000 }).toBe('3');
    const shownAfterReload = await pageMark.getAttribute('data-page');
    expect(shownAfterReload).not.toBeNull();
    await expect.poll(() => pageMark.getAttribute('data-page'), { timeout: 10_000 }).not.toBe(shownAfterReload);
    await page.getByTestId('video-tour').selectOption('');
    expect(await pageMark.count()).toBe(0);
  });
});
