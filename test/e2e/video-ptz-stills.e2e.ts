import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import { launchChromium } from '../helpers/chromium.js';
import { FFMPEG_PATH, mediasoupWorkerBin } from '../helpers/ffmpeg-cameras.js';
import { call, connectHost } from '../helpers/host-client.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { playingCameras } from '../helpers/video-wall.js';
import { signedInPage } from '../helpers/identity.js';
import { holdsThroughout, waitUntil } from '../helpers/wait.js';

const workerBin = mediasoupWorkerBin();
const missing = workerBin === null ? 'a mediasoup worker (MEDIASOUP_WORKER_BIN or ../shared/tools/mediasoup-worker)' : existsSync(FFMPEG_PATH) ? null : 'ffmpeg';
if (missing !== null) console.log(`SKIPPED: the PTZ and stills test needs ${missing}.`);

/** Seconds of the single tile's stream played so far. */
function playedSeconds(page: Page): Promise<number> {
  return page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid="video-grid"] video')?.currentTime ?? 0);
}

/** A 32x18 grey thumbnail of the single tile's picture now: enough to tell that the view moved. */
function thumbnail(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('[data-testid="video-grid"] video');
    if (!video || video.videoWidth === 0) return [];
    const canvas = document.createElement('canvas');
    canvas.width = 32;
    canvas.height = 18;
    const context = canvas.getContext('2d') as CanvasRenderingContext2D;
    context.drawImage(video, 0, 0, 32, 18);
    const pixels = context.getImageData(0, 0, 32, 18).data;
    const grey: number[] = [];
    for (let index = 0; index < pixels.length; index += 4) grey.push(((pixels[index] as number) + (pixels[index + 1] as number) + (pixels[index + 2] as number)) / 3);
    return grey;
  });
}

const meanDifference = (a: number[], b: number[]) => a.reduce((sum, value, index) => sum + Math.abs(value - (b[index] ?? 0)), 0) / Math.max(1, a.length);

/** The demo's virtual PTZ cameras with no configuration: turned from the wall, and stills taken and linked. */
describe.skipIf(missing !== null)('PTZ and stills on the video wall', () => {
  let work: string;
  let host: Awaited<ReturnType<typeof startProcess>>;
  let client: WebSocketBridge;
  let browser: Browser;
  let page: Page;
  let ptzCamera: { id: string; code: string; position: [number, number] };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-video-ptz-e2e-'));
    // The embedded default: no cameras file, the demo PTZ cameras on (2, the default).
    host = await startProcess(
      'out/main/web-host.mjs',
      ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir(), '--sip-server', 'none'],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/,
      { env: { MEDIASOUP_WORKER_BIN: workerBin as string } },
    );
    client = await connectHost(host.match[1] as string);
    await waitUntil(async () => (await call(client, 'backend.status', {})).state, (state) => state === 'connected', 'the embedded backend to connect', 20_000);
    const withHeads = (await call(client, 'cameras.catalogue', {})).filter((camera) => camera.ptz);
    expect(withHeads).toHaveLength(2);
    const first = withHeads[0] as (typeof withHeads)[number];
    ptzCamera = { id: first.id, code: first.code, position: first.position };
    browser = await launchChromium();
    page = await signedInPage(browser, host.match[1] as string, { viewport: { width: 1600, height: 900 } });
  });

  afterAll(async () => {
    client?.dispose();
    await browser?.close();
    await host?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** Asks the video wall to play a camera, as a map window does, until a video window has heard the request. */
  async function playOnWall(cameraId: string): Promise<void> {
    await expect.poll(async () => (await call(client, 'wallPlay.request', { requestId: randomUUID(), cameraId })).delivered, { timeout: 15_000 }).toBeGreaterThan(0);
  }

  it('plays a demo PTZ camera over WebRTC on a focused tile, turns it while a button is held, stops when it is let go, zooms from the keyboard and goes home', async () => {
    await page.goto(`${host.match[1] as string}video`);
    await expect.poll(() => page.getByTestId('backend-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    // A camera picked on a map plays on the wall, on a tile of its own (the main stream, with PTZ).
    await playOnWall(ptzCamera.id);
    const grid = page.getByTestId('video-grid');
    await expect.poll(() => grid.getAttribute('data-single'), { timeout: 15_000 }).toBe(ptzCamera.id);
    const tile = grid.locator('[data-status]');
    await expect.poll(() => tile.getAttribute('data-status'), { timeout: 30_000 }).toBe('live');
    await expect.poll(async () => (await thumbnail(page)).length, { timeout: 10_000 }).toBe(32 * 18);
    const pad = page.getByTestId('ptz-pad');
    await expect.poll(() => pad.isVisible()).toBe(true);

    // Two thumbnails 0.7 s of the stream apart differ only by the scene's own motion; a turn moves the whole picture.
    // The stream's own clock measures the gap: a loaded machine decodes fewer frames in the test's 0.7 s.
    const still1 = await thumbnail(page);
    const playedFrom = await playedSeconds(page);
    await expect.poll(() => playedSeconds(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(playedFrom + 0.7);
    const still2 = await thumbnail(page);
    const ownMotion = meanDifference(still1, still2);

    const right = page.getByTestId('ptz-right');
    const box = await right.boundingBox();
    if (!box) throw new Error('no PTZ button');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await expect.poll(() => pad.getAttribute('data-moving')).toBe('yes');
    // Held until the pad reports the camera turned (each renewal of the move answers with its position).
    const position = page.getByTestId('ptz-position');
    await expect.poll(async () => Number(await position.getAttribute('data-pan')), { timeout: 15_000 }).toBeGreaterThan(0.6);
    await page.mouse.up();
    await expect.poll(() => pad.getAttribute('data-moving')).toBe('no');
    // The picture follows the head a moment later.
    await expect.poll(async () => meanDifference(still2, await thumbnail(page)), { timeout: 10_000 }).toBeGreaterThan(ownMotion + 10);

    // Let go: it stays where it stopped. A camera that kept turning would show no event of its own, so its position is
    // asked again for a second (a third of the move's lease: a move the stop missed would still be under way).
    const stopped = await call(client, 'cameras.ptz', { cameraId: ptzCamera.id, command: { kind: 'stop' } });
    await holdsThroughout(
      1000,
      () => call(client, 'cameras.ptz', { cameraId: ptzCamera.id, command: { kind: 'stop' } }),
      (answer) => isDeepStrictEqual(answer, stopped),
      `the camera to stay at ${JSON.stringify(stopped)}`,
    );
    expect(stopped.position?.pan).toBeGreaterThan(0.6);
    expect(stopped.position?.tilt).toBe(0.5);

    // '+' held on the keyboard zooms in, until the pad reports it.
    await page.keyboard.down('+');
    await expect.poll(async () => Number(await position.getAttribute('data-zoom')), { timeout: 15_000 }).toBeGreaterThan(1.1);
    await page.keyboard.up('+');
    await expect.poll(() => pad.getAttribute('data-moving')).toBe('no');

    await page.getByTestId('ptz-home').click();
    await expect.poll(async () => [await position.getAttribute('data-pan'), await position.getAttribute('data-zoom')], { timeout: 5000 }).toEqual(['0.500', '1.00']);
  }, 120_000);

  it('takes a still of the tile with its time and camera code, linked to the focused incident, and keeps it', async () => {
    const incident = await call(client, 'incidents.report', {
      type: 'road-collapse',
      title: '测试：云台摄像机旁的路面塌陷',
      severity: 'major',
      position: ptzCamera.position,
      districtAdcode: '500103',
      riskGrade: null,
    });
    await call(client, 'shared.focusIncident', { incidentId: incident.id });
    const tile = page.getByTestId('video-grid').locator('[data-status]');
    await expect.poll(() => tile.getAttribute('data-status'), { timeout: 30_000 }).toBe('live');
    await page.getByTestId('video-still').click();
    const notice = page.getByTestId('video-still-notice');
    await expect.poll(() => notice.getAttribute('data-failed'), { timeout: 10_000 }).toBe('false');
    expect(await notice.textContent()).toContain(incident.id);

    const stills = await call(client, 'snapshots.list', { incidentId: incident.id, limit: 10 });
    expect(stills).toHaveLength(1);
    const saved = stills[0] as (typeof stills)[number];
    expect(saved).toMatchObject({ cameraId: ptzCamera.id, cameraCode: ptzCamera.code, incidentId: incident.id, operator: 'admin', width: 960, height: 540 });
    const { jpegBase64 } = await call(client, 'snapshots.image', { id: saved.id });
    // A real JPEG of the tile's size, decoded by the browser.
    const decoded = await page.evaluate(async (data) => {
      const image = new Image();
      image.src = `data:image/jpeg;base64,${data}`;
      await image.decode();
      return [image.naturalWidth, image.naturalHeight];
    }, jpegBase64);
    expect(decoded).toEqual([960, 540]);
    // The still is listed under the wall for the focused incident.
    const strip = page.getByTestId('video-stills');
    await expect.poll(() => strip.locator('[data-snapshot]').count(), { timeout: 10_000 }).toBe(1);
    // Opened full size with its camera and who took it; a click closes it.
    await strip.locator(`[data-snapshot="${saved.id}"] button`).click();
    const viewer = page.getByTestId('video-still-viewer');
    await expect.poll(() => viewer.textContent()).toContain(`${ptzCamera.code}`);
    await expect.poll(() => viewer.locator('img').evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(960);
    await viewer.click();
    await expect.poll(() => viewer.count()).toBe(0);

    // The incident picked on a map window lists its stills in its detail panel.
    const map = await signedInPage(browser, host.match[1] as string, { viewport: { width: 1600, height: 900 } });
    await map.goto(`${host.match[1] as string}map`);
    await expect.poll(() => map.getByTestId('backend-state').getAttribute('data-state'), { timeout: 30_000 }).toBe('connected');
    await call(client, 'shared.select', { selection: { kind: 'incident', id: incident.id } });
    const detail = map.getByTestId('object-detail');
    await expect.poll(() => detail.getAttribute('data-kind'), { timeout: 60_000 }).toBe('incident');
    await expect.poll(() => detail.locator(`[data-snapshot="${saved.id}"] img`).count(), { timeout: 15_000 }).toBe(1);
    await map.close();
  }, 150_000);

  it('plays the PTZ camera again after its ffmpeg is killed mid-play (kill -9), on the same tile', async () => {
    await page.goto(`${host.match[1] as string}video`);
    await expect.poll(() => page.getByTestId('backend-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    await playOnWall(ptzCamera.id);
    const grid = page.getByTestId('video-grid');
    await expect.poll(() => grid.getAttribute('data-single'), { timeout: 15_000 }).toBe(ptzCamera.id);
    await expect.poll(() => playingCameras(page), { timeout: 30_000 }).toEqual([ptzCamera.id]);
    // The camera's ffmpeg is the embedded backend's child, known by the camera code burnt into its picture.
    const ffmpegOfCamera = () =>
      execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(host.child.pid)], { encoding: 'utf8' })
        .split('\n')
        .find((line) => line.includes('ffmpeg') && line.includes(ptzCamera.code))
        ?.trim()
        .split(/\s+/)[0];
    const killed = ffmpegOfCamera();
    if (killed === undefined) throw new Error('no ffmpeg of the PTZ camera among the host\'s children');
    process.kill(Number(killed), 'SIGKILL');
    await expect.poll(ffmpegOfCamera, { timeout: 15_000 }).toMatch(/^\d+$/);
    expect(ffmpegOfCamera()).not.toBe(killed);
    // The same tile decodes the new process's frames (the old one is dead): a second's worth, 15 frames, and more.
    const framesDecoded = () => page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid="video-grid"] video')?.getVideoPlaybackQuality().totalVideoFrames ?? 0);
    const afterRestart = await framesDecoded();
    await expect.poll(framesDecoded, { timeout: 30_000 }).toBeGreaterThan(afterRestart + 15);
    await expect.poll(() => grid.locator('[data-status]').getAttribute('data-status'), { timeout: 15_000 }).toBe('live');
    expect(host.child.exitCode).toBeNull();
    expect(host.output()).toMatch(/the virtual PTZ camera stopped; restarting it/);
  }, 90_000);
});
