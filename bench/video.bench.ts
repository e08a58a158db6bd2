/**
 * Video wall figures for issue #6, in headless Chromium on live ffmpeg cameras (320x180, 15 fps, H.264 baseline, 1 s
 * segments; clock burnt in and stamped as EXT-X-PROGRAM-DATE-TIME), each compared with a baseline in the same run:
 *  - time from tile assignment (its <video> appears on the wall) to its first frame (requestVideoFrameCallback),
 *    median of 16 tiles, for HLS (relayed by the backend) and WebRTC (the backend's SFU; 16 consumers of one feed),
 *    in the real video window; WebRTC as a ratio to HLS;
 *  - HLS first frame and live latency with our tuning (LIVE_TILE_CONFIG) vs. hls.js defaults, the same 16 streams in
 *    a bare page, two rounds of each (defaults, ours, ours, defaults); latency is the encoder's clock (program
 *    date-time) to the frame playing, besides hls.js's own estimate;
 *  - Chromium CPU per tile with 16 tiles playing (HLS, then WebRTC), over an idle page's CPU as the baseline;
 *  - memory after N minutes of 16 HLS tiles vs. after 1 minute (`--minutes=N`, default 10 as the issue asks; at least
 *    2): Chromium's processes, resident and allocated (anonymous and shared memory, shared pages split among the
 *    processes, binary and library pages left out: see rollupAllocated), printed each minute with the split by
 *    process kind, the window's JS heap and DOM, its MediaSources (open, alive, made) and the media buffered per
 *    <video>, so that growth shows where it is and whether it levels off. The hold plays in a second video window
 *    that no DevTools session watches the network of (see UnwatchedPage: under Playwright, Chromium keeps every
 *    segment's body for DevTools, up to 200 MB, and the renderer grew with it; `--watched` holds it that way, for
 *    comparison); the alarms the city's live feed raises are handled every 2 s, as before, so some tiles get new
 *    players during the hold.
 * Figures are for ratios on this machine (2 cores, no GPU), not absolute claims.
 *
 * `npx tsx bench/video.bench.ts [--minutes=N] [--watched]` (also run by `npm run bench`; needs `npm run build`; about
 * 13 minutes with the default hold).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { LIVE_TILE_CONFIG } from '../src/renderer/features/video/hls-player.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { HlsTestCameras, RtpTestCamera, TEST_CAMERAS_CENTRE, freeUdpPortPairs, mediasoupWorkerBin, testCameraEntry } from '../test/helpers/ffmpeg-cameras.js';
import { call, connectHost } from '../test/helpers/host-client.js';
import { repoRoot, startProcess } from '../test/helpers/processes.js';
import { testCityDir } from '../test/helpers/test-city.js';
import { handleAlarmsBefore } from '../test/helpers/video-wall.js';
import { backgroundLoad, commit, dependencyVersion, descendants } from './machine.js';
import { UnwatchedPage, chromiumProcesses, openWatchedPage, type ChromiumKind, type ChromiumProcess, type PageHeap, type PageMedia, type WallWindow } from './video-memory.js';

const TILES = 16;
const CPU_WINDOW_MS = 20_000;
const LATENCY_SETTLE_MS = 15_000;
const LATENCY_SAMPLES = 5;
const minutesOption = Number(process.argv.find((arg) => arg.startsWith('--minutes='))?.slice('--minutes='.length) ?? 10);
const MINUTES = Number.isFinite(minutesOption) && minutesOption >= 2 ? Math.round(minutesOption) : 10;
/** `--watched`: hold the window as a Playwright page, as the bench did before, to see what DevTools' buffering adds. */
const WATCHED = process.argv.includes('--watched');
/** The WebRTC cameras stand this far east of the HLS ones, so each incident's 16 nearest cameras are one kind. */
const WEBRTC_CENTRE: [number, number] = [TEST_CAMERAS_CENTRE[0] + 0.05, TEST_CAMERAS_CENTRE[1]];
const CLOCK_TICKS_PER_S = 100;

const log = (line: string) => console.log(`video: ${line}`);
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : ((sorted[Math.floor((sorted.length - 1) / 2)] as number) + (sorted[Math.ceil((sorted.length - 1) / 2)] as number)) / 2;
};
const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : 'n/a');
const ratio = (baseline: number, ours: number) => (Number.isFinite(baseline) && Number.isFinite(ours) && ours > 0 ? `${(baseline / ours).toFixed(2)}x` : 'n/a');
const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
const sleep = (wait: number) => new Promise((resolve) => setTimeout(resolve, wait));

/** Chromium's processes (browser, GPU, renderers): their resident memory and CPU seconds so far. */
function chromium(): { rssBytes: number; cpuS: number } {
  const processes = descendants().filter((process) => /^(chromium|chrome)/.test(process.name));
  return { rssBytes: processes.reduce((sum, process) => sum + process.rssBytes, 0), cpuS: processes.reduce((sum, process) => sum + process.cpuTicks, 0) / CLOCK_TICKS_PER_S };
}

interface MinuteSample {
  minute: number;
  processes: ChromiumProcess[];
  heap: PageHeap;
  media: PageMedia;
}

async function minuteSample(minute: number, wall: WallWindow): Promise<MinuteSample> {
  return { minute, processes: chromiumProcesses(), heap: await wall.heap(), media: await wall.media() };
}

/** Chromium's own on-device model service starts by itself a minute or two into a run: shown, not counted. */
const counted = (sample: MinuteSample) => sample.processes.filter((process) => process.kind !== 'on-device-model');
const rss = (sample: MinuteSample) => counted(sample).reduce((sum, process) => sum + process.rssBytes, 0);
const allocated = (sample: MinuteSample) => counted(sample).reduce((sum, process) => sum + process.allocatedBytes, 0);
const kindRss = (sample: MinuteSample, kind: ChromiumKind) => sample.processes.filter((process) => process.kind === kind).reduce((sum, process) => sum + process.rssBytes, 0);
const mean = (values: readonly number[]) => (values.length === 0 ? NaN : values.reduce((sum, value) => sum + value, 0) / values.length);

/** Waits (up to a minute) for the window's tiles to play; how many do. */
async function wallPlaying(wall: WallWindow): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const live = (await wall.media().catch(() => null))?.statuses.live ?? 0;
    if (live >= TILES || Date.now() > deadline) return live;
    await sleep(500);
  }
}

/** One line per minute: the totals against minute 1, then where the memory is and what the page holds. */
function describeMinute(sample: MinuteSample, first: MinuteSample): string {
  const kinds = (['browser', 'gpu', 'renderer', 'network', 'storage', 'audio', 'utility', 'zygote', 'other', 'on-device-model'] as const)
    .map((kind) => ({ kind, processes: sample.processes.filter((process) => process.kind === kind) }))
    .filter((entry) => entry.processes.length > 0)
    .map(({ kind, processes }) => {
      const sizes = processes.map((process) => process.rssBytes).sort((a, b) => b - a);
      return `${kind} ${sizes.length > 1 ? `${Math.round(sizes.reduce((sum, size) => sum + size, 0) / 1e6)} [${sizes.map((size) => Math.round(size / 1e6)).join('+')}]` : Math.round((sizes[0] as number) / 1e6)}`;
    });
  const { media, heap } = sample;
  const statuses = Object.entries(media.statuses)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
  return [
    `minute ${sample.minute}: Chromium ${mb(rss(sample))} resident (${(rss(sample) / rss(first)).toFixed(2)}x minute 1), ${mb(allocated(sample))} allocated (${(allocated(sample) / allocated(first)).toFixed(2)}x)`,
    `MB by process: ${kinds.join(', ')}`,
    `window's JS heap ${mb(heap.usedBytes)} used of ${mb(heap.totalBytes)} (${(heap.usedBytes / first.heap.usedBytes).toFixed(2)}x), ${heap.nodes} DOM nodes, ${heap.listeners} listeners`,
    `${media.videos} <video>, MediaSources ${media.mediaSourcesOpen} open / ${media.mediaSourcesAlive} alive / ${media.mediaSourcesMade} made, ${media.sourceBuffers} SourceBuffers`,
    `buffered per video: ${mean(media.bufferedS).toFixed(1)} s (max ${Math.max(0, ...media.bufferedS).toFixed(1)}), behind playhead ${mean(media.behindS).toFixed(1)} s, ahead ${mean(media.aheadS).toFixed(1)} s`,
    `tiles: ${statuses || 'none'}`,
  ].join('; ');
}

/** Chromium's CPU use over a window, in cores (1.0: one core busy all the time). */
async function chromiumCores(): Promise<number> {
  const before = chromium().cpuS;
  await sleep(CPU_WINDOW_MS);
  return (chromium().cpuS - before) / (CPU_WINDOW_MS / 1000);
}

/** tsx compiles this file keeping function names with a helper the page lacks; the page gets an equivalent one. */
const pageNameHelper = 'globalThis.__name = (fn) => fn';

/** Records, in the page, when each tile's <video> appears (its camera assigned) and when it shows its first frame. */
async function watchFirstFrames(page: Page): Promise<void> {
  await page.evaluate(pageNameHelper);
  await page.evaluate(() => {
    const record = window as unknown as { firstFrames: { camera: string; assignedAt: number; firstFrameAt: number | null }[] };
    record.firstFrames = [];
    const watch = (video: HTMLVideoElement) => {
      const camera = video.closest('li[data-camera]')?.getAttribute('data-camera') ?? '';
      const entry = { camera, assignedAt: performance.now(), firstFrameAt: null as number | null };
      record.firstFrames.push(entry);
      video.requestVideoFrameCallback(() => (entry.firstFrameAt = performance.now()));
    };
    new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        for (const node of Array.from(mutation.addedNodes)) {
          if (!(node instanceof HTMLElement)) continue;
          for (const video of node instanceof HTMLVideoElement ? [node] : Array.from(node.querySelectorAll('video'))) watch(video);
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
}

/** Milliseconds from assignment to first frame of the tiles of these cameras, once all have one (or after a minute). */
async function firstFrames(page: Page, cameraIds: readonly string[]): Promise<number[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const entries = await page.evaluate(() => (window as unknown as { firstFrames: { camera: string; assignedAt: number; firstFrameAt: number | null }[] }).firstFrames);
    const ours = entries.filter((entry) => cameraIds.includes(entry.camera));
    const done = ours.filter((entry) => entry.firstFrameAt !== null);
    if (done.length >= TILES || Date.now() > deadline) return done.map((entry) => (entry.firstFrameAt as number) - entry.assignedAt);
    await sleep(250);
  }
}

/**
 * hls.js on the 16 relayed streams in a bare page (no app around it), with one config: the median first frame from
 * attaching, then the live latency once settled: from the encoder's clock (program date-time) and hls.js's estimate.
 */
async function hlsOnly(browser: Browser, hlsScript: string, urls: readonly string[], config: object): Promise<{ firstFrameMs: number[]; behindEncoderS: number[]; hlsLatencyS: number[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  try {
    await page.addScriptTag({ path: hlsScript });
    await page.evaluate(pageNameHelper);
    const frames = await page.evaluate(
      async ({ urls, config }) => {
        const Hls = (window as unknown as { Hls: new (config: object) => { loadSource(url: string): void; attachMedia(video: HTMLVideoElement): void; latency: number; playingDate: Date | null } }).Hls;
        const players: { latency: number; playingDate: Date | null }[] = [];
        (window as unknown as { players: typeof players }).players = players;
        return Promise.all(
          urls.map(
            (url) =>
              new Promise<number>((resolve) => {
                const video = document.createElement('video');
                video.muted = true;
                video.style.width = '300px';
                document.body.append(video);
                const started = performance.now();
                const hls = new Hls(config);
                players.push(hls);
                video.requestVideoFrameCallback(() => resolve(performance.now() - started));
                hls.loadSource(url);
                hls.attachMedia(video);
                void video.play().catch(() => undefined);
                setTimeout(() => resolve(NaN), 30_000);
              }),
          ),
        );
      },
      { urls, config },
    );
    await sleep(LATENCY_SETTLE_MS);
    const behind: number[] = [];
    const estimates: number[] = [];
    for (let sample = 0; sample < LATENCY_SAMPLES; sample++) {
      const measured = await page.evaluate(() =>
        (window as unknown as { players: { latency: number; playingDate: Date | null }[] }).players.map((player) => ({
          behind: player.playingDate ? (Date.now() - player.playingDate.getTime()) / 1000 : NaN,
          estimate: player.latency,
        })),
      );
      behind.push(...measured.map((entry) => entry.behind).filter(Number.isFinite));
      estimates.push(...measured.map((entry) => entry.estimate).filter(Number.isFinite));
      await sleep(1000);
    }
    return { firstFrameMs: frames.filter(Number.isFinite), behindEncoderS: behind, hlsLatencyS: estimates };
  } finally {
    await page.close();
  }
}

async function main(): Promise<void> {
  const workerBin = mediasoupWorkerBin();
  const work = mkdtempSync(join(tmpdir(), 'zhili-video-bench-'));
  log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}); commit ${commit()}, hls.js ${dependencyVersion('hls.js')}, mediasoup ${dependencyVersion('mediasoup')}`);
  log(`setup: ${TILES} ffmpeg HLS cameras 320x180 15 fps${workerBin ? ' and one RTP feed consumed by 16 WebRTC tiles' : ' (no mediasoup worker: WebRTC figures skipped)'}; other work on the machine: ${Math.round((await backgroundLoad()) * 100)}% of the CPUs`);
  const cameras = await HlsTestCameras.start(
    join(work, 'media'),
    Array.from({ length: TILES }, (_, index) => ({ label: `CM9000${String(index + 1).padStart(2, '0')}` })),
  );
  const [rtpPort = 0, rtpLocal = 0] = await freeUdpPortPairs(2);
  const rtp = new RtpTestCamera({ kind: 'rtp', port: rtpPort, localPort: rtpLocal, codec: 'H264', payloadType: 102, ssrc: 4242 }, { label: 'WebRTC' });
  const stops: (() => Promise<unknown>)[] = [() => cameras.stop(), () => rtp.process.kill()];
  try {
    const hlsEntries = cameras.cameras.map((camera, index) => {
      const stream = { kind: 'hls' as const, url: cameras.playlistUrl(camera) };
      return testCameraEntry(index + 1, { main: stream, sub: stream });
    });
    const webrtcEntries = workerBin ? Array.from({ length: TILES }, (_, index) => testCameraEntry(TILES + index + 1, { main: rtp.streamSource(), sub: rtp.streamSource() }, WEBRTC_CENTRE)) : [];
    const camerasFile = join(work, 'cameras.json');
    writeFileSync(camerasFile, JSON.stringify({ formatVersion: 1, cameras: [...hlsEntries, ...webrtcEntries] }));
    const backend = await startProcess(
      'out/backend/backend.mjs',
      ['--port', '0', '--data-dir', join(work, 'backend'), '--city-dir', testCityDir(), '--cameras', camerasFile],
      /Zhili backend: (http:\/\/127\.0\.0\.1:\d+)/,
      { env: workerBin ? { MEDIASOUP_WORKER_BIN: workerBin } : {} },
    );
    stops.unshift(() => backend.stop());
    if (workerBin) rtp.process.start();
    const host = await startProcess(
      'out/main/web-host.mjs',
      ['--port', '0', '--data-dir', join(work, 'console'), '--city-dir', testCityDir(), '--backend-url', backend.match[1] as string],
      /Zhili web host: (http:\/\/127\.0\.0\.1:\d+\/)/,
    );
    stops.unshift(() => host.stop());
    const client = await connectHost(host.match[1] as string);
    // The city's live feed raises alarms whose cameras would cover the wall's last row: handled as they come.
    const alarms = setInterval(() => void handleAlarmsBefore(client, null).catch(() => undefined), 2000);
    stops.unshift(async () => {
      clearInterval(alarms);
      client.dispose();
    });
    await cameras.ready();
    const browser = await launchChromium({ media: true });
    stops.unshift(() => browser.close());

    // ---- hls.js defaults vs. our tuning, same streams, bare page ----
    const hlsScript = join(repoRoot, 'node_modules', 'hls.js', 'dist', 'hls.min.js');
    const urls = cameras.cameras.map((_camera, index) => `${backend.match[1] as string}/media/relay/cm9000${String(index + 1).padStart(2, '0')}-sub/index.m3u8`);
    // In the order defaults, ours, ours, defaults: neither config always runs first on a machine that warms up or loads.
    const configs = { defaults: { enableWorker: false }, ours: LIVE_TILE_CONFIG };
    const rounds: { config: keyof typeof configs; result: Awaited<ReturnType<typeof hlsOnly>> }[] = [];
    for (const config of ['defaults', 'ours', 'ours', 'defaults'] as const) rounds.push({ config, result: await hlsOnly(browser, hlsScript, urls, configs[config]) });
    const summary = (config: keyof typeof configs) => {
      const of = rounds.filter((round) => round.config === config).map((round) => round.result);
      return {
        firstFrameMs: median(of.flatMap((result) => result.firstFrameMs)),
        behindEncoderS: median(of.flatMap((result) => result.behindEncoderS)),
        hlsLatencyS: median(of.flatMap((result) => result.hlsLatencyS)),
      };
    };
    const defaults = summary('defaults');
    const tuned = summary('ours');
    log(`HLS, ${TILES} streams in a bare page — first frame (median): ours ${ms(tuned.firstFrameMs)}, hls.js defaults ${ms(defaults.firstFrameMs)} (${ratio(defaults.firstFrameMs, tuned.firstFrameMs)} faster)`);
    log(
      `HLS live latency (median, behind the encoder's clock): ours ${tuned.behindEncoderS.toFixed(2)} s, hls.js defaults ${defaults.behindEncoderS.toFixed(2)} s — ours/defaults ${(tuned.behindEncoderS / defaults.behindEncoderS).toFixed(2)} (hls.js's own estimate: ${tuned.hlsLatencyS.toFixed(2)} s vs ${defaults.hlsLatencyS.toFixed(2)} s)`,
    );

    // ---- the real video window: first frames and CPU, 16 HLS tiles then 16 WebRTC tiles ----
    const idlePage = await browser.newPage();
    const idle = await chromiumCores();
    await idlePage.close();
    const videoUrl = `${host.match[1] as string}video`;
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(videoUrl);
    await page.getByTestId('video-layout-16').click();
    await watchFirstFrames(page);
    const focus = async (position: [number, number], title: string) => {
      const incident = await call(client, 'incidents.report', { type: 'road-collapse', title, severity: 'major', position, districtAdcode: '500103', riskGrade: null });
      await call(client, 'shared.focusIncident', { incidentId: incident.id });
      return incident.id;
    };
    const hlsIncident = await focus(TEST_CAMERAS_CENTRE, '基准：HLS 摄像机');
    const hlsFrames = await firstFrames(page, hlsEntries.map((entry) => entry.id));
    const hlsCores = await chromiumCores();
    log(`video window, ${TILES} HLS tiles — tile assignment to first frame: median ${ms(median(hlsFrames))} (${hlsFrames.length}/${TILES} tiles showed a frame)`);
    log(`CPU: Chromium ${hlsCores.toFixed(2)} cores with ${TILES} HLS tiles, ${idle.toFixed(2)} with an idle page: ${(((hlsCores - idle) / TILES) * 100).toFixed(1)}% of a core per tile`);
    if (workerBin) {
      await focus([WEBRTC_CENTRE[0] + 0.0012, WEBRTC_CENTRE[1]], '基准：WebRTC 摄像机');
      const webrtcOnly = await firstFrames(page, webrtcEntries.map((entry) => entry.id));
      const webrtcCores = await chromiumCores();
      log(`video window, ${TILES} WebRTC tiles — tile assignment to first frame: median ${ms(median(webrtcOnly))} (HLS/WebRTC ${ratio(median(hlsFrames), median(webrtcOnly))})`);
      log(`CPU: Chromium ${webrtcCores.toFixed(2)} cores with ${TILES} WebRTC tiles: ${(((webrtcCores - idle) / TILES) * 100).toFixed(1)}% of a core per tile`);
    }
    await page.close();

    // ---- memory: the 16 HLS tiles held for MINUTES in a video window that no DevTools session watches ----
    await call(client, 'shared.focusIncident', { incidentId: hlsIncident });
    const startedAt = Date.now();
    const wall = WATCHED ? await openWatchedPage(browser, videoUrl) : await UnwatchedPage.open(browser, videoUrl);
    stops.unshift(() => wall.close());
    const playing = await wallPlaying(wall);
    log(
      `memory hold: a new video window (the same wall, ${WATCHED ? 'a Playwright page: DevTools keeps its network data' : 'not watched by DevTools'}) plays ${playing}/${TILES} tiles after ${ms(Date.now() - startedAt)}; holding ${MINUTES} minutes…`,
    );
    // Each minute: Chromium's memory by process kind, the window's JS heap and DOM, and its media, so that growth
    // shows where it is and whether it levels off.
    const samples: MinuteSample[] = [];
    for (let minute = 1; minute <= MINUTES; minute++) {
      await sleep(Math.max(0, minute * 60_000 - (Date.now() - startedAt)));
      const sample = await minuteSample(minute, wall);
      samples.push(sample);
      log(describeMinute(sample, samples[0] as MinuteSample));
    }
    const first = samples[0] as MinuteSample;
    const last = samples[samples.length - 1] as MinuteSample;
    const series = (of: (sample: MinuteSample) => number) => samples.map((sample) => Math.round(of(sample) / 1e6)).join(' ');
    log(`per minute, MB — Chromium resident: ${series(rss)}; allocated: ${series(allocated)}; renderers: ${series((sample) => kindRss(sample, 'renderer'))}; window's JS heap: ${series((sample) => sample.heap.usedBytes)}`);
    log(`memory after ${MINUTES} minutes of ${TILES} tiles: ${mb(rss(last))} — ${(rss(last) / rss(first)).toFixed(2)}x the 1-minute figure (Chromium, resident); allocated ${mb(allocated(last))}, ${(allocated(last) / allocated(first)).toFixed(2)}x`);
    const perMinute = (of: (sample: MinuteSample) => number) => {
      const half = samples.slice(Math.floor(samples.length / 2));
      return half.length < 2 ? NaN : (of(half[half.length - 1] as MinuteSample) - of(half[0] as MinuteSample)) / (half.length - 1);
    };
    log(
      `growth per minute over the second half of the hold: resident ${mb(perMinute(rss))}, allocated ${mb(perMinute(allocated))}, renderers ${mb(perMinute((sample) => kindRss(sample, 'renderer')))}, GPU ${mb(perMinute((sample) => kindRss(sample, 'gpu')))}, browser ${mb(perMinute((sample) => kindRss(sample, 'browser')))}, JS heap ${mb(perMinute((sample) => sample.heap.usedBytes))}`,
    );
    await wall.collectGarbage();
    const collected = await wall.heap();
    log(`window's JS heap after a forced GC at the end: ${mb(collected.usedBytes)} used (minute 1, before any GC: ${mb(first.heap.usedBytes)})`);
    log(`other work on the machine at the end: ${Math.round((await backgroundLoad()) * 100)}% of the CPUs`);
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
