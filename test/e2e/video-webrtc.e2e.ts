import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketBridge } from '../../src/renderer/bridge/web-socket-bridge.js';
import { launchChromium } from '../helpers/chromium.js';
import { RtpTestCamera, freeUdpPortPairs, mediasoupWorkerBin, testCameraEntry } from '../helpers/ffmpeg-cameras.js';
import { connectHost } from '../helpers/host-client.js';
import { enrolConsole } from '../helpers/backend-consoles.js';
import { startProcess } from '../helpers/processes.js';
import { testCityDir } from '../helpers/test-city.js';
import { focusIncidentAmongTestCameras, handleAlarmsBefore, playingCameras } from '../helpers/video-wall.js';
import { signedInPage } from '../helpers/identity.js';

const workerBin = mediasoupWorkerBin();
if (workerBin === null) console.log('SKIPPED: the WebRTC wall test needs a mediasoup worker (MEDIASOUP_WORKER_BIN or ../shared/tools/mediasoup-worker) and the mediasoup package.');

/**
 * WebRTC cameras: ffmpeg pushes RTP (H.264 and VP8) to the backend's mediasoup SFU, as the cameras file says; the
 * video window consumes them with mediasoup-client, signalling through its host.
 */
describe.skipIf(workerBin === null)('WebRTC cameras from the SFU play on the wall', () => {
  let work: string;
  let cameras: RtpTestCamera[];
  let backend: Awaited<ReturnType<typeof startProcess>>;
  let host: Awaited<ReturnType<typeof startProcess>>;
  let client: WebSocketBridge;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'zhili-video-webrtc-e2e-'));
    const [h264Port = 0, h264Local = 0, vp8Port = 0, vp8Local = 0] = await freeUdpPortPairs(4);
    cameras = [
      new RtpTestCamera({ kind: 'rtp', port: h264Port, localPort: h264Local, codec: 'H264', payloadType: 102, ssrc: 1111 }, { label: 'CM900001 H264' }),
      new RtpTestCamera({ kind: 'rtp', port: vp8Port, localPort: vp8Local, codec: 'VP8', payloadType: 101, ssrc: 2222 }, { label: 'CM900002 VP8' }),
    ];
    const camerasFile = join(work, 'cameras.json');
    writeFileSync(
      camerasFile,
      JSON.stringify({
        formatVersion: 1,
        webrtc: { listenIp: '127.0.0.1' },
        cameras: cameras.map((camera, index) => testCameraEntry(index + 1, { main: camera.streamSource(), sub: camera.streamSource() })),
      }),
    );
    backend = await startProcess(
      'out/backend/backend.mjs',
      ['--port', '0', '--data-dir', join(work, 'backend'), '--city-dir', testCityDir(), '--cameras', camerasFile],
      /Zhili backend: (http:\/\/127\.0\.0\.1:\d+)/,
      // One test kills the SFU's worker on purpose; the backend says so at error level.
      { env: { MEDIASOUP_WORKER_BIN: workerBin as string }, expectedErrors: [/the mediasoup worker died/, /WebRTC cameras are unavailable/] },
    );
    for (const camera of cameras) camera.process.start();
    host = await startProcess(
      'out/main/web-host.mjs',
      ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir(), '--backend-url', backend.match[1] as string, '--backend-token-file', await enrolConsole(join(work, 'backend'), 'video-console')],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/,
    );
    client = await connectHost(host.match[1] as string);
    browser = await launchChromium({ media: true });
    page = await signedInPage(browser, host.match[1] as string, { viewport: { width: 1600, height: 900 } });
  });

  afterAll(async () => {
    client?.dispose();
    await browser?.close();
    await host?.stop();
    await backend?.stop();
    for (const camera of cameras ?? []) await camera.process.kill();
    rmSync(work, { recursive: true, force: true });
  });

  it('plays an H.264 and a VP8 camera over WebRTC, with round-trip time and jitter on the tile', async () => {
    const grid = await focusIncidentAmongTestCameras(page, host.match[1] as string, client, '测试：WebRTC 摄像机旁的路面塌陷', 4);
    for (const cameraId of ['CM900001', 'CM900002']) {
      // An alarm the city's live feed raises would cover the last row, where the second camera is: it is handled.
      await expect.poll(async () => {
        await handleAlarmsBefore(client, null);
        return grid.locator(`li[data-camera="${cameraId}"]:not([data-alarm]) [data-status]`).getAttribute('data-status');
      }, { timeout: 30_000 }).toBe('live');
    }
    await expect.poll(async () => (await playingCameras(page)).filter((id) => id.startsWith('CM9000')).sort(), { timeout: 20_000 }).toEqual(['CM900001', 'CM900002']);
    const facts = grid.locator('li[data-camera="CM900001"] .video-tile-facts');
    await expect.poll(() => facts.textContent(), { timeout: 15_000 }).toMatch(/320×180 · \d+ kbit\/s · RTT \d+ ms · 抖动 \d+ ms/);
    const usesWebRtc = await page.evaluate(() => {
      const video = document.querySelector<HTMLVideoElement>('li[data-camera="CM900002"] video');
      return video?.srcObject instanceof MediaStream && video.srcObject.getVideoTracks().length === 1;
    });
    expect(usesWebRtc).toBe(true);
  });

  it('closes the SFU session of a tile that goes away, and keeps the one still shown', async () => {
    /** Sessions the backend's log says were closed (by the window's request, or by the browser closing DTLS first). */
    const closedByWindows = () =>
      readdirSync(join(work, 'backend', 'logs'))
        .flatMap((file) => readFileSync(join(work, 'backend', 'logs', file), 'utf8').split('\n'))
        .filter((line) => line.includes('"WebRTC session closed"') && /closed by its window|DTLS closed/.test(line)).length;
    const before = closedByWindows();
    await page.getByTestId('video-layout-1').click();
    const grid = page.getByTestId('video-grid');
    await expect.poll(() => grid.locator('li[data-camera]').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(closedByWindows, { timeout: 10_000 }).toBe(before + 1);
    await expect.poll(async () => await playingCameras(page), { timeout: 10_000 }).toEqual(['CM900001']);
    expect(closedByWindows()).toBe(before + 1);
  });

  it('shows a tile reconnecting when the SFU\'s mediasoup worker is killed, and plays it again on the restarted worker', async () => {
    // The backend's worker is its child process (mediasoup-worker): killed as a crash would.
    const children = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(backend.child.pid)], { encoding: 'utf8' });
    const worker = children.split('\n').map((line) => line.trim().split(/\s+/)).find(([, comm]) => comm?.startsWith('mediasoup-work'));
    if (!worker) throw new Error(`no mediasoup worker among the backend's children:\n${children}`);
    process.kill(Number(worker[0]), 'SIGKILL');
    const status = page.getByTestId('video-grid').locator('li[data-camera="CM900001"] [data-status]');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 20_000, interval: 100 }).not.toBe('live');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 45_000 }).toBe('live');
    await expect.poll(async () => await playingCameras(page), { timeout: 15_000 }).toEqual(['CM900001']);
    expect(backend.child.exitCode).toBeNull();
    expect(backend.output()).toMatch(/the mediasoup worker died: WebRTC cameras are offline until it restarts/);
  }, 90_000);
});
