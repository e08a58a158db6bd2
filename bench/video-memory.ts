/**
 * What the video bench reads each minute of its hold, to tell which memory grows: Chromium's processes by kind
 * (resident and proportional), the video page's JS heap and DOM, and its media (players, MediaSources, buffered media).
 */
import { readFileSync } from 'node:fs';
import type { Browser, CDPSession } from 'playwright-core';
import { descendants } from './machine.js';

export type ChromiumKind = 'browser' | 'gpu' | 'renderer' | 'network' | 'storage' | 'audio' | 'on-device-model' | 'utility' | 'zygote' | 'other';

/** A Chromium process's kind from its command line (`--type=…`, `--utility-sub-type=…`); none: the browser itself. */
export function chromiumKind(args: readonly string[]): ChromiumKind {
  const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const type = option('type');
  if (type === undefined) return 'browser';
  if (type === 'gpu-process') return 'gpu';
  if (type === 'renderer') return 'renderer';
  if (type === 'zygote') return 'zygote';
  if (type !== 'utility') return 'other';
  const sub = option('utility-sub-type') ?? '';
  if (sub.startsWith('network.')) return 'network';
  if (sub.startsWith('storage.')) return 'storage';
  if (sub.startsWith('audio.')) return 'audio';
  // Chromium's own on-device model service (not the page's): it starts by itself a minute or two into a run.
  if (sub.startsWith('on_device_model.')) return 'on-device-model';
  return 'utility';
}

/**
 * A process's allocated memory from /proc/PID/smaps_rollup, in bytes: its anonymous and shared-memory pages (heaps,
 * media buffers, frames passed between processes), each shared page split among the processes that map it
 * (Pss_Anon + Pss_Shmem). File pages (Chromium's binary and libraries, ~70-135 MB resident in every one of its
 * processes) are left out: they are counted again in each process's resident figure, and their proportional share
 * swings with any other Chromium running on the machine (tests beside the bench), where these pages are this browser's
 * own.
 */
export function rollupAllocated(text: string): number {
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return field('Pss_Anon') + field('Pss_Shmem');
}

export interface ChromiumProcess {
  pid: number;
  kind: ChromiumKind;
  rssBytes: number;
  allocatedBytes: number;
}

export function chromiumProcesses(): ChromiumProcess[] {
  const found: ChromiumProcess[] = [];
  for (const process of descendants()) {
    if (!/^(chromium|chrome)/.test(process.name)) continue;
    try {
      // Chromium rewrites its command line into one string (its process title): split on spaces as well.
      const args = readFileSync(`/proc/${process.pid}/cmdline`, 'utf8').split(/[\0 ]/);
      const allocatedBytes = rollupAllocated(readFileSync(`/proc/${process.pid}/smaps_rollup`, 'utf8'));
      found.push({ pid: process.pid, kind: chromiumKind(args), rssBytes: process.rssBytes, allocatedBytes });
    } catch {
      // Gone between listing and reading (or smaps_rollup not readable: the process is left out, as a gone one).
    }
  }
  return found;
}

/**
 * Run before the app's scripts: counts the MediaSources the page makes (hls.js takes ManagedMediaSource where there
 * is one), held weakly so the count keeps none alive.
 */
function probeMediaSources(): void {
  const made: WeakRef<MediaSource>[] = [];
  (window as unknown as { mediaSourcesMade: WeakRef<MediaSource>[] }).mediaSourcesMade = made;
  const scope = window as unknown as Record<string, typeof MediaSource | undefined>;
  for (const name of ['MediaSource', 'ManagedMediaSource']) {
    const Original = scope[name];
    if (!Original) continue;
    scope[name] = class extends Original {
      constructor() {
        super();
        made.push(new WeakRef(this));
      }
    };
  }
}

export interface PageMedia {
  videos: number;
  /** Tiles by status (data-status on each tile's player). */
  statuses: Record<string, number>;
  mediaSourcesMade: number;
  mediaSourcesAlive: number;
  mediaSourcesOpen: number;
  sourceBuffers: number;
  /** Seconds of media held per <video>: behind the playhead, ahead of it, and over all ranges. */
  behindS: number[];
  aheadS: number[];
  bufferedS: number[];
}

/** Read in the page: its <video> elements, tiles and MediaSources. */
function readPageMedia(): PageMedia {
  const videos = Array.from(document.querySelectorAll('video'));
  const statuses: Record<string, number> = {};
  for (const tile of Array.from(document.querySelectorAll<HTMLElement>('[data-status]'))) {
    const status = tile.dataset.status ?? '';
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  const made = (window as unknown as { mediaSourcesMade?: WeakRef<MediaSource>[] }).mediaSourcesMade ?? [];
  const alive = made.map((ref) => ref.deref()).filter((source): source is MediaSource => source !== undefined);
  const open = alive.filter((source) => source.readyState !== 'closed');
  const behindS: number[] = [];
  const aheadS: number[] = [];
  const bufferedS: number[] = [];
  for (const video of videos) {
    const ranges = video.buffered;
    let total = 0;
    for (let index = 0; index < ranges.length; index++) total += ranges.end(index) - ranges.start(index);
    bufferedS.push(total);
    behindS.push(ranges.length > 0 ? Math.max(0, video.currentTime - ranges.start(0)) : 0);
    aheadS.push(ranges.length > 0 ? Math.max(0, ranges.end(ranges.length - 1) - video.currentTime) : 0);
  }
  return {
    videos: videos.length,
    statuses,
    mediaSourcesMade: made.length,
    mediaSourcesAlive: alive.length,
    mediaSourcesOpen: open.length,
    sourceBuffers: open.reduce((sum, source) => sum + source.sourceBuffers.length, 0),
    behindS,
    aheadS,
    bufferedS,
  };
}

export interface PageHeap {
  usedBytes: number;
  totalBytes: number;
  nodes: number;
  listeners: number;
}

/** tsx keeps function names with a helper (`__name`) that the page lacks; the page gets an equivalent one. */
const pageNameHelper = 'globalThis.__name = (fn) => fn;';

/** The video window the bench holds and reads each minute. */
export interface WallWindow {
  media(): Promise<PageMedia>;
  heap(): Promise<PageHeap>;
  collectGarbage(): Promise<unknown>;
  close(): Promise<void>;
}

/** The window's JS heap (V8, main thread) and DOM counts, from DevTools' answers to getHeapUsage and getDOMCounters. */
function pageHeap(heap: { usedSize: number; totalSize: number }, dom: { nodes: number; jsEventListeners: number }): PageHeap {
  return { usedBytes: heap.usedSize, totalBytes: heap.totalSize, nodes: dom.nodes, listeners: dom.jsEventListeners };
}

const probeScript = `${pageNameHelper}(${probeMediaSources.toString()})();`;
const readMediaScript = `${pageNameHelper}(${readPageMedia.toString()})()`;

/**
 * The window as a Playwright page, the way the bench held it before (`--watched`): Playwright enables DevTools' Network
 * domain on it, so Chromium keeps the segments' bodies in its renderer (see UnwatchedPage). For comparison only.
 */
export async function openWatchedPage(browser: Browser, url: string): Promise<WallWindow> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await page.addInitScript({ content: probeScript });
  const cdp = await page.context().newCDPSession(page);
  await page.goto(url);
  return {
    media: () => page.evaluate(readMediaScript) as Promise<PageMedia>,
    heap: async () => pageHeap(await cdp.send('Runtime.getHeapUsage'), await cdp.send('Memory.getDOMCounters')),
    collectGarbage: () => cdp.send('HeapProfiler.collectGarbage'),
    close: () => page.close(),
  };
}

/**
 * A browser window that no DevTools session watches the network of. A page driven by Playwright has the Network domain
 * enabled, and Chromium then keeps the bodies of the page's XHR responses (every HLS segment) in the page's renderer, up
 * to 200 MB per session (`Network.enable` without buffer sizes): measured here, a bare wall of 16 tiles under
 * Playwright grew its renderer 1.9x in 6 minutes while the same wall unwatched stayed within ±5%. So the memory hold
 * plays in a window opened over CDP in the browser's default context, which Playwright leaves alone, and is read
 * through a session that enables only Page (for the probe script) and asks Runtime and Memory one-off questions.
 */
export class UnwatchedPage implements WallWindow {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();

  private constructor(
    private readonly cdp: CDPSession,
    private readonly targetId: string,
    private readonly sessionId: string,
  ) {
    cdp.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId !== this.sessionId) return;
      const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
      const waiting = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiting || message.id === undefined) return;
      this.pending.delete(message.id);
      if (message.error) waiting.reject(new Error(message.error.message));
      else waiting.resolve(message.result);
    });
  }

  /** Opens `url` with the MediaSource probe installed before the page's own scripts. */
  static async open(browser: Browser, url: string): Promise<UnwatchedPage> {
    const cdp = await browser.newBrowserCDPSession();
    const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank', width: 1600, height: 900 });
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: false });
    const page = new UnwatchedPage(cdp, targetId, sessionId);
    await page.send('Page.enable');
    await page.send('Page.addScriptToEvaluateOnNewDocument', { source: probeScript });
    await page.send('Page.navigate', { url });
    return page;
  }

  send<T>(method: string, params: object = {}): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.cdp.send('Target.sendMessageToTarget', { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) }).catch((error: Error) => {
        this.pending.delete(id);
        reject(error);
      });
    });
  }

  /** Evaluates an expression in the page (awaiting a promise it gives) and returns its value. */
  async evaluate<T>(expression: string): Promise<T> {
    const answer = await this.send<{ result: { value: T }; exceptionDetails?: { text: string } }>('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (answer.exceptionDetails) throw new Error(`In the page: ${answer.exceptionDetails.text}`);
    return answer.result.value;
  }

  media(): Promise<PageMedia> {
    return this.evaluate(readMediaScript);
  }

  async heap(): Promise<PageHeap> {
    return pageHeap(await this.send('Runtime.getHeapUsage'), await this.send('Memory.getDOMCounters'));
  }

  collectGarbage(): Promise<unknown> {
    return this.send('HeapProfiler.collectGarbage');
  }

  async close(): Promise<void> {
    await this.cdp.send('Target.closeTarget', { targetId: this.targetId }).catch(() => undefined);
    await this.cdp.detach().catch(() => undefined);
  }
}
