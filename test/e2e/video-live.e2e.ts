import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import { launchChromium } from '../helpers/chromium.js';
import { CamerasFileSchema } from '../../src/shared/city/index.js';
import type { Scene } from '../../src/shared/wall/scenes.js';
import { HlsTestCameras, TEST_CAMERAS_CENTRE, testCameraEntry, type HlsTestCamera } from '../helpers/ffmpeg-cameras.js';
import { call, connectHost } from '../helpers/host-client.js';
import { enrolConsole } from '../helpers/backend-consoles.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { focusIncidentAmongTestCameras, handleAlarmsBefore, playingCameras } from '../helpers/video-wall.js';
import { signedInPage } from '../helpers/identity.js';

const CAMERAS = 16;

/** The test city's own cameras (the city build's register, which the backend's catalogue starts from). */
function testCityCameras() {
  return CamerasFileSchema.parse(JSON.parse(readFileSync(join(testCityDir(), 'cameras.json'), 'utf8'))).cameras;
}

/**
 * The test city's first camera as the cameras file moves and renames it: about a kilometre north of the test cameras
 * (far enough not to be among the sixteen nearest their incident). The map must draw it there, under that name.
 */
function movedCityCameraEntry() {
  const [first] = testCityCameras();
  if (!first) throw new Error('the test city has no camera');
  return { id: first.id, code: first.code, name: '测试：改址的城市摄像机', position: [TEST_CAMERAS_CENTRE[0], TEST_CAMERAS_CENTRE[1] + 0.01] as [number, number], ptz: false };
}

/** A wall scene that puts the map on `position` at `zoom` with only its camera layer on. */
function cameraScene(id: string, position: [number, number], zoom: number): Scene {
  return {
    id,
    name: { zh: '测试：摄像机位置', en: 'Test: a camera’s position' },
    map: { view: { center: position, zoom }, layers: ['cameras'] },
    video: { layoutSize: 1, source: { kind: 'nearest-to-focus' } },
    dispatch: { panel: 'crews' },
    plans: { panel: 'incidents' },
  };
}

/**
 * Sixteen live cameras made by ffmpeg (a clock burnt into each picture) on a media server of their own, given to the
 * backend in a cameras file: the backend relays them and the wall plays them around an incident reported among them;
 * the map draws them (and a city camera the file moved) where the file puts them, and a click on one plays it.
 */
describe('a 16-tile wall of live ffmpeg cameras', () => {
  let work: string;
  let cameras: HlsTestCameras;
  let backend: Awaited<ReturnType<typeof startProcess>>;
  let host: Awaited<ReturnType<typeof startProcess>>;
  let client: WebSocketBridge;
  let browser: Browser;
  let page: Page;
  let movedCityCamera: ReturnType<typeof movedCityCameraEntry>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-video-live-e2e-'));
    movedCityCamera = movedCityCameraEntry();
    cameras = await HlsTestCameras.start(
      join(work, 'media'),
      Array.from({ length: CAMERAS }, (_, index) => ({ label: `CM9000${String(index + 1).padStart(2, '0')}` })),
    );
    const camerasFile = join(work, 'cameras.json');
    // The moved city camera shows the first test camera's picture.
    const firstStream = { kind: 'hls' as const, url: cameras.playlistUrl(cameras.cameras[0] as HlsTestCamera) };
    writeFileSync(
      camerasFile,
      JSON.stringify({
        formatVersion: 1,
        cameras: [
          ...cameras.cameras.map((camera, index) => {
            const stream = { kind: 'hls' as const, url: cameras.playlistUrl(camera) };
            return testCameraEntry(index + 1, { main: stream, sub: stream });
          }),
          { ...movedCityCamera, streams: { main: firstStream, sub: firstStream } },
        ],
      }),
    );
    backend = await startProcess(
      'out/backend/backend.mjs',
      ['--port', '0', '--data-dir', join(work, 'backend'), '--city-dir', testCityDir(), '--cameras', camerasFile],
      /Zhili backend: (http:\/\/127\.0\.0\.1:\d+)/,
    );
    host = await startProcess(
      'out/main/web-host.mjs',
      ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir(), '--backend-url', backend.match[1] as string, '--backend-token-file', await enrolConsole(join(work, 'backend'), 'video-console')],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/,
    );
    client = await connectHost(host.match[1] as string);
    await cameras.ready();
    browser = await launchChromium();
    page = await signedInPage(browser, host.match[1] as string, { viewport: { width: 1600, height: 900 } });
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

  it('draws the cameras file’s cameras on the map where it puts them, and a click on one plays it on the wall', async () => {
    // The wall lets the incident go, so that the camera chosen on the map is all it plays while the map draws.
    await call(client, 'shared.focusIncident', { incidentId: null });
    await page.goto(`${host.match[1] as string}video`);
    await expect.poll(() => page.getByTestId('backend-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    // The map window's size is the one the map tests use: narrower, the header wraps while the map loads.
    const mapPage = await signedInPage(browser, host.match[1] as string, { viewport: { width: 1600, height: 900 }, reducedMotion: 'reduce' });
    try {
      await mapPage.goto(`${host.match[1] as string}map`);
      const map = mapPage.getByTestId('map');
      await expect.poll(() => map.getAttribute('data-state'), { timeout: 60_000 }).toBe('ready');
      // The layer catalogue counts the catalogue's cameras: the city's, and the sixteen the file adds (the moved one is
      // a city camera).
      await mapPage.keyboard.press('Alt+C');
      const cameraLayer = mapPage.getByTestId('layer-catalogue').locator('[data-layer="cameras"]');
      await expect.poll(async () => Number((await cameraLayer.textContent())?.replace(/\D+/g, '')), { timeout: 15_000 }).toBe(testCityCameras().length + CAMERAS);
      await mapPage.keyboard.press('Alt+C');

      // The last test camera as the cameras file has it (only its id, name and position matter here, not its streams).
      const unusedStream = { kind: 'hls' as const, url: 'http://unused.invalid/index.m3u8' };
      const newCamera = testCameraEntry(CAMERAS, { main: unusedStream, sub: unusedStream });
      const targets = [
        // The moved city camera stands alone; the new ones stand 5 m apart, so the map zooms in further to tell them apart.
        { ...movedCityCamera, zoom: 18 },
        { id: newCamera.id, name: newCamera.name, position: newCamera.position as [number, number], zoom: 19.5 },
      ];
      for (const [index, target] of targets.entries()) {
        const sceneId = `e2e-camera-${index}`;
        await call(client, 'scenes.save', { scene: cameraScene(sceneId, target.position, target.zoom) });
        await call(client, 'scenes.apply', { sceneId });
        await expect.poll(() => map.getAttribute('data-zoom'), { timeout: 60_000 }).toBe(target.zoom.toFixed(2));
        const box = await mapPage.locator('.maplibregl-canvas').boundingBox();
        if (!box) throw new Error('no map canvas');
        // The camera is at the centre of the map: click there until the pick has it (the layers follow a few frames
        // after the map comes to rest, seconds on llvmpipe).
        await expect
          .poll(
            async () => {
              await mapPage.keyboard.press('Escape');
              // The pick must open a panel of its own, not read the one Escape is closing.
              await mapPage.getByTestId('object-detail').waitFor({ state: 'detached', timeout: 5_000 });
              await mapPage.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
              return mapPage.getByTestId('object-detail').locator('h3').textContent({ timeout: 2_000 }).catch(() => null);
            },
            { timeout: 30_000, interval: 500 },
          )
          .toBe(target.name);
        // The wall plays the camera picked, on its own, as it plays a city camera picked on a map.
        await expect.poll(() => page.getByTestId('video-grid').getAttribute('data-single'), { timeout: 10_000 }).toBe(target.id);
        await expect.poll(async () => await playingCameras(page), { timeout: 30_000 }).toEqual([target.id]);
      }
    } finally {
      await mapPage.close();
    }
    // A map drawn on llvmpipe beside a playing wall, flown twice: over a minute on a loaded two-core machine.
  }, 240_000);
});
