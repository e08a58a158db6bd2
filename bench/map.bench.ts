/**
 * Map figures for issue #3, in headless Chromium, each as a ratio to a baseline measured in the same run:
 *  - for cities of 1 and 10 million components, OURS (the real MapEngine on the binary chunks, culled by the view) vs.
 *    the BASELINE (the same maplibre basemap with one deck.gl ScatterplotLayer in an interleaved MapboxOverlay, fed
 *    every point as a JS object with accessors): each page opens at the whole city (first frame on screen with every
 *    component drawn, timed from page start), pans there, then jumps to one district and one street (first frame there,
 *    then panning); every time is taken to a frame on screen, forced with a 1-pixel readPixels;
 *  - one live tick moving 10,000 vehicles: ours (LiveCity, a new position buffer) vs. a new layer of 10,000 objects;
 *  - peak JS heap and ArrayBuffers while loading and drawing, sampled over CDP.
 * A fresh browser per page keeps heaps apart. A baseline that fails (crash, out of memory, past its time limit) is
 * reported as such, not as a failure of the bench. Figures are for ratios on this machine, not absolute claims:
 * without a GPU, WebGL runs on llvmpipe (software).
 *
 * `npx tsx bench/map.bench.ts [--sizes=1m,10m] [--views=street,district,city] [--full]` (also run by `npm run bench`).
 * A page opens at the first view listed, so `--views=city` gives the whole city's first frame from page start.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { build } from 'vite';
import { buildCity, currentCity, DEFAULT_SEED } from '../scripts/city/build-city.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { mapTestCityDir } from '../test/helpers/test-city.js';
import { backgroundLoad, commit, dependencyVersion, descendantsRss } from './machine.js';
import type { MapBenchPage, RunParams, StepTime, ViewName } from './map/protocol.js';

const ROOT = resolve(import.meta.dirname, '..');
const BUNDLE_DIR = join(ROOT, '.tmp', 'bench-map');
const VIEWPORT = { width: 1280, height: 720 };
/** Give up on loading a page (and call it a failure) after this long. */
const LOAD_LIMIT_MS = 180_000;
/**
 * Past this long after its load, a page starts no further view (unless --full): at 10 million points a frame on
 * llvmpipe takes tens of seconds, and a jump settles over several frames (labels placed, basemap tiles arriving).
 */
const VIEW_BUDGET_MS = 120_000;
/** Give up on one step (a jump to a view, a series of pans or ticks) after this long. */
const STEP_LIMIT_MS = 180_000;
const PAN_STEPS = 10;
/** Panning stops early (after at least 3 steps) once a view has used this much time: on llvmpipe a frame of a million points takes seconds. */
const PAN_BUDGET_MS = 12_000;
const TICKS = 20;
const TICK_VEHICLES = 10_000;

const SIZES = {
  '1m': { count: 1_000_000, dir: mapTestCityDir() },
  '10m': { count: 10_000_000, dir: join(ROOT, '.tmp', 'bench-city-10m') },
} as const;
type SizeName = keyof typeof SIZES;
/** In the order a page visits them: it opens at the first (the cheapest to draw, so the baseline gets furthest). */
const ALL_VIEWS: readonly { name: ViewName; label: string }[] = [
  { name: 'street', label: 'one street (z16 at 解放碑)' },
  { name: 'district', label: '渝中区 + neighbours (z12.5 at 解放碑)' },
  { name: 'city', label: 'whole city (Chongqing fitted)' },
];

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const option = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3).split(',');
const sizes = (option('sizes') ?? Object.keys(SIZES)).filter((name): name is SizeName => name in SIZES);
const VIEWS = ALL_VIEWS.filter((view) => option('views')?.includes(view.name) ?? true);
/** Everything, however long it takes: no view budget, and ours drawing every component at every size. */
const FULL = process.argv.includes('--full');

const benchStarted = performance.now();
const log = (line: string) => console.log(`map: ${line}`);
const fmt = (ms: number | null | undefined) => (ms === null || ms === undefined || !Number.isFinite(ms) ? 'n/a' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
const quantile = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
};
const ratio = (baseline: number | null | undefined, ours: number | null | undefined) =>
  baseline && ours && Number.isFinite(baseline) && Number.isFinite(ours) ? `${(baseline / ours).toFixed(2)}x` : 'n/a';

// ---- city, bundle and server ----

async function ensureCity(size: SizeName): Promise<void> {
  const { count, dir } = SIZES[size];
  const request = { seed: DEFAULT_SEED, componentCount: count };
  if (await currentCity(dir, request)) return;
  const t0 = performance.now();
  await buildCity({ ...request, outDir: dir });
  log(`built the ${size} city in ${fmt(performance.now() - t0)} -> ${dir}`);
}

async function bundlePage(): Promise<void> {
  const t0 = performance.now();
  await build({
    configFile: false,
    root: join(ROOT, 'bench', 'map'),
    base: './',
    logLevel: 'warn',
    define: { __ZHILI_VERSION__: JSON.stringify(pkg.version) },
    build: { outDir: BUNDLE_DIR, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 5000, assetsInlineLimit: 0, reportCompressedSize: false },
  });
  log(`bench page bundled with vite in ${fmt(performance.now() - t0)} -> ${BUNDLE_DIR}`);
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.geojson': 'application/geo+json',
  '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml',
};

/** The bundle at `/`, and the current city's files at `/city/<path>` (what both hosts serve the map window). */
function startServer(cityDir: () => string): Promise<{ server: Server; base: string }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://bench').pathname);
    const [root, relative] = path.startsWith('/city/') ? [cityDir(), path.slice('/city/'.length)] : [BUNDLE_DIR, path === '/' ? 'index.html' : path.slice(1)];
    const file = resolve(root, relative);
    let size = -1;
    try {
      size = file.startsWith(root + sep) ? statSync(file).size : -1;
    } catch {
      size = -1;
    }
    if (size < 0) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-length': size, 'cache-control': 'no-store' });
    createReadStream(file).pipe(response);
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      done({ server, base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/` });
    });
  });
}

// ---- one run: a fresh browser, one page ----

interface ViewFigures {
  readonly view: ViewName;
  /** A jump here from the previous view, to everything drawn; null for the view the page opened at. */
  readonly arrive: StepTime | null;
  readonly pan: readonly StepTime[] | null;
  /** Why this view (or its panning) was not measured. */
  readonly skipped: string | null;
}

interface RunResult {
  readonly params: RunParams;
  readonly size: SizeName;
  ok: boolean;
  error: string | null;
  renderer: string;
  points: number;
  firstFrameMs: number | null;
  firstFrameRenders: number;
  readonly views: ViewFigures[];
  ticks: readonly StepTime[] | null;
  /** Peak V8 heap in use, and peak ArrayBuffer backing stores (typed arrays: where ours keeps its data). */
  peakHeap: number;
  peakBuffers: number;
  peakRss: number;
  wallMs: number;
  backgroundLoad: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer after ${fmt(ms)}`)), ms);
    }),
  ]);
}

const median = (values: readonly number[]) => quantile(values, 0.5);
const p90 = (values: readonly number[]) => quantile(values, 0.9);
const stepLine = (steps: readonly StepTime[]) =>
  `median ${fmt(median(steps.map((s) => s.ms)))} p90 ${fmt(p90(steps.map((s) => s.ms)))} over ${steps.length} (main thread ${fmt(median(steps.map((s) => s.busy)))} each)`;

/**
 * One page in a fresh browser: load at `params.view` (first frame from page start), pan there, then jump to each other
 * view in `views` (first frame after the jump) and pan there; or, in tick mode, time the ticks. Prints as it goes.
 */
interface Plan {
  /** Views in order; the first is where the page opens (params.view). */
  readonly views: readonly ViewName[];
  /** Where to pan (all views when absent). */
  readonly panAt?: readonly ViewName[];
  readonly ticks: number;
}

async function run(base: string, size: SizeName, label: string, params: RunParams, plan: Plan): Promise<RunResult> {
  const result: RunResult = { params, size, ok: false, error: null, renderer: 'unknown', points: 0, firstFrameMs: null, firstFrameRenders: 0, views: [], ticks: null, peakHeap: 0, peakBuffers: 0, peakRss: 0, wallMs: 0, backgroundLoad: await backgroundLoad() };
  const t0 = performance.now();
  const say = (line: string) => log(`    ${line}`);
  log(`  ${label}${result.backgroundLoad > 0.15 ? ` [other work was using ${Math.round(result.backgroundLoad * 100)}% of the CPUs just before]` : ''}`);
  let browser: Browser | null = null;
  let sampling = true;
  let sampler: Promise<void> = Promise.resolve();
  let crashed: string | null = null;
  let doing = 'launching Chromium';
  try {
    browser = await launchChromium();
    const page: Page = await browser.newPage({ viewport: VIEWPORT, reducedMotion: 'reduce' });
    page.on('crash', () => {
      crashed = 'the page crashed (out of memory?)';
    });
    const cdp: CDPSession = await page.context().newCDPSession(page);
    // JS heap (V8 objects) and ArrayBuffer backing stores, sampled from outside the page every 250 ms: Runtime answers
    // through a V8 interrupt, so samples keep coming while the page's main thread runs JS.
    sampler = (async () => {
      while (sampling && !crashed) {
        try {
          const usage = await withTimeout(cdp.send('Runtime.getHeapUsage'), 5_000, 'heap sample');
          result.peakHeap = Math.max(result.peakHeap, usage.usedSize);
          result.peakBuffers = Math.max(result.peakBuffers, usage.backingStorageSize);
        } catch {
          // A sample lost while the page is busy or closing.
        }
        result.peakRss = Math.max(result.peakRss, descendantsRss());
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const query = new URLSearchParams(Object.entries(params).flatMap(([key, value]) => (value === undefined ? [] : [[key, String(value)]])));
    doing = 'opening the page';
    await page.goto(`${base}index.html?${query}`);
    const loadLimit = LOAD_LIMIT_MS;
    const deadline = Date.now() + loadLimit;
    let last = { state: 'loading', progress: 'starting' };
    let unresponsive = false;
    while (!crashed && Date.now() < deadline) {
      try {
        last = await withTimeout(page.evaluate(() => ({ state: window.__mapBench?.state ?? 'loading', progress: window.__mapBench?.progress ?? 'no page' })), 30_000, 'reading the page state');
        unresponsive = false;
      } catch {
        unresponsive = true;
      }
      if (last.state !== 'loading') break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    doing = last.progress;
    if (crashed) throw new Error(`${crashed}`);
    if (last.state === 'loading') throw new Error(`gave up after ${fmt(loadLimit)}${unresponsive ? ' (its main thread had not answered for 30 s or more)' : ''}`);
    const loaded = await page.evaluate(() => {
      const bench = window.__mapBench as MapBenchPage;
      return { state: bench.state, error: bench.error, renderer: bench.renderer, points: bench.points, firstFrameMs: bench.firstFrameMs, firstFrameRenders: bench.firstFrameRenders };
    });
    Object.assign(result, { renderer: loaded.renderer, points: loaded.points, firstFrameMs: loaded.firstFrameMs, firstFrameRenders: loaded.firstFrameRenders });
    if (loaded.state === 'failed') {
      doing = 'loading';
      throw new Error(loaded.error ?? 'failed');
    }
    if (params.mode === 'tick') {
      doing = 'ticking';
      const ticks = await withTimeout(page.evaluate((count) => (window.__mapBench as MapBenchPage).tick(count), plan.ticks), STEP_LIMIT_MS, doing);
      result.ticks = ticks;
      say(`${result.points.toLocaleString('en')} vehicles; tick to its frame on screen: ${stepLine(ticks)}`);
    } else {
      say(`${result.points.toLocaleString('en')} components loaded; first frame from page start at ${params.view}: ${fmt(result.firstFrameMs)} (${result.firstFrameRenders} frames drawn by then)`);
      const loadedAt = performance.now();
      const outOfTime = () => (!FULL && performance.now() - loadedAt > VIEW_BUDGET_MS ? `not measured: the page had used its ${fmt(VIEW_BUDGET_MS)} after loading (--full runs everything)` : null);
      for (const view of plan.views) {
        let arrive: StepTime | null = null;
        if (view !== params.view) {
          const skipped = outOfTime();
          if (skipped) {
            result.views.push({ view, arrive: null, pan: null, skipped });
            say(`${view}: ${skipped}`);
            continue;
          }
          doing = `jumping to the ${view} view`;
          arrive = await withTimeout(page.evaluate((name) => (window.__mapBench as MapBenchPage).visit(name), view), STEP_LIMIT_MS, doing);
        }
        const skipped = plan.panAt && !plan.panAt.includes(view) ? 'not measured: this page pans only at the whole city' : outOfTime();
        let pan: readonly StepTime[] | null = null;
        if (!skipped) {
          doing = `panning at the ${view} view`;
          pan = await withTimeout(page.evaluate(([steps, budget]) => (window.__mapBench as MapBenchPage).pan(steps, budget), [PAN_STEPS, PAN_BUDGET_MS] as const), STEP_LIMIT_MS, doing);
        }
        result.views.push({ view, arrive, pan, skipped });
        say(`${view}: ${arrive ? `first frame after jumping here ${fmt(arrive.ms)} (${arrive.frames} frames); ` : ''}${pan ? `pan frame ${stepLine(pan)}` : `panning ${skipped ?? ''}`}`);
      }
    }
    result.ok = true;
  } catch (error) {
    result.error = `${doing}: ${crashed ?? (error as Error).message.split('\n')[0] ?? String(error)}`;
    say(`FAILED while ${result.error}`);
  } finally {
    sampling = false;
    await sampler.catch(() => undefined);
    await browser?.close().catch(() => undefined);
    result.wallMs = performance.now() - t0;
    say(`peak JS heap ${mb(result.peakHeap)}, ArrayBuffers ${mb(result.peakBuffers)}, browser RSS (all its processes) ${mb(result.peakRss)}; run took ${fmt(result.wallMs)}`);
  }
  return result;
}

// ---- the bench ----

const versus = (baseline: number | null | undefined, ours: number | null | undefined) => `${fmt(ours)} vs ${fmt(baseline)} = ${ratio(baseline, ours)}`;

/** One line of the summary: ours vs the baseline at one view. */
function comparison(what: string, view: ViewName, ours: RunResult | undefined, baseline: RunResult | undefined): string {
  const figures = (result: RunResult | undefined) => {
    if (!result) return { missing: 'not run' };
    const at = result.views.find((entry) => entry.view === view);
    if (!at) return { missing: result.error ?? 'not run' };
    const first = at.skipped && !at.arrive && at.view !== result.params.view ? null : at.arrive ? at.arrive.ms : result.firstFrameMs;
    return { first, kind: at.arrive ? 'after a jump here' : 'from page start', pan: at.pan?.map((step) => step.ms) ?? null, skipped: at.skipped };
  };
  const o = figures(ours);
  const b = figures(baseline);
  if ('missing' in o) return `${what}: no figure for ours (${o.missing})`;
  const firstLine = (f: typeof o) => `${fmt(f.first)} (${f.kind})`;
  if ('missing' in b) return `${what}: ours first frame ${firstLine(o)}, pan frame median ${fmt(o.pan ? median(o.pan) : null)}; no baseline (${b.missing})`;
  const first = b.first === null ? `first frame: ours ${firstLine(o)}, baseline ${b.skipped ?? 'n/a'}` : `first frame ${o.kind === b.kind ? `${o.kind} ` : ''}${versus(b.first, o.first)}${o.kind === b.kind ? '' : ` (ours ${o.kind}, baseline ${b.kind})`}`;
  const pan = o.pan && b.pan ? `pan frame median ${versus(median(b.pan), median(o.pan))}, p90 ${versus(p90(b.pan), p90(o.pan))}` : `pan frame: ours ${o.pan ? fmt(median(o.pan)) : o.skipped}, baseline ${b.pan ? fmt(median(b.pan)) : b.skipped}`;
  return `${what}: ${first}; ${pan}`;
}

const started = new Date();
const runs: RunResult[] = [];
let server: Server | null = null;
let cityDir: string = SIZES['1m'].dir;
const VIEW_NAMES = VIEWS.map((view) => view.name);
const label = (name: ViewName) => ALL_VIEWS.find((view) => view.name === name)?.label ?? name;
try {
  log('figures are for ratios on this machine, not absolute claims: WebGL here is software (llvmpipe), no GPU');
  log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ${mb(totalmem())} memory (${mb(freemem())} free), load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  log(`engine: the working tree at commit ${commit()}, maplibre-gl ${dependencyVersion('maplibre-gl')}, deck.gl ${dependencyVersion('@deck.gl/core')}`);
  log(`viewport ${VIEWPORT.width}x${VIEWPORT.height}; views: ${VIEWS.map((view) => `${view.name} = ${view.label}`).join(', ')}`);
  log(`a fresh browser per page; each page opens at the first view (first frame timed from page start, before any fetch), pans (up to ${PAN_STEPS} panBy steps, each timed to its frame with a 1-px readPixels), then jumps to the next view`);
  log(`limits: ${fmt(LOAD_LIMIT_MS)} to load a page; ${FULL ? 'no limit' : fmt(VIEW_BUDGET_MS)} for a page's further views once loaded; panning stops after ${fmt(PAN_BUDGET_MS)} (3 steps at least)`);
  for (const size of sizes) await ensureCity(size);
  await bundlePage();
  const listening = await startServer(() => cityDir);
  server = listening.server;
  const { base } = listening;
  let rendererShown = false;
  const record = async (size: SizeName, what: string, params: RunParams, plan: Plan) => {
    cityDir = SIZES[size].dir;
    const result = await run(base, size, what, params, plan);
    runs.push(result);
    if (!rendererShown && result.ok) {
      rendererShown = true;
      log(`  renderer: ${result.renderer}`);
    }
    return result;
  };
  const first = VIEW_NAMES[0] ?? 'city';

  for (const size of sizes) {
    const count = SIZES[size].count.toLocaleString('en');
    log(`== ${count} components (${SIZES[size].dir}) ==`);
    await record(size, 'ours: MapEngine, every chunk added (components drawn from z12, by design)', { approach: 'ours', view: first, mode: 'draw' }, { views: VIEW_NAMES, ticks: 0 });
    const baseline = await record(size, `baseline: one ScatterplotLayer over ${count} JS objects with accessors`, { approach: 'baseline', view: first, mode: 'draw' }, { views: VIEW_NAMES, ticks: 0 });
    if (!baseline.ok) log(`  the baseline could not load and draw ${count} points (${baseline.error}): compare at the largest size it managed`);
    if (!VIEW_NAMES.includes('city')) continue;
    // Ours drawing every component at the whole city, the honest match for the baseline there; it reaches the city the
    // same way (a jump from the first view), and pans only there.
    const baselineDrewCity = baseline.views.some((entry) => entry.view === 'city' && entry.arrive !== null) || (baseline.ok && first === 'city');
    if (!baselineDrewCity) log(`  ours with componentsMinZoom 0: not run at ${count}, as the baseline did not draw the whole city at this size`);
    else if (size !== '1m' && !FULL) log(`  ours with componentsMinZoom 0: not run at ${count} (every point drawn at every frame: minutes on llvmpipe; --full runs it)`);
    else {
      const views = first === 'city' ? ['city' as const] : [first, 'city' as const];
      await record(size, 'ours with componentsMinZoom 0 (every component drawn at the whole city, to match the baseline)', { approach: 'ours', view: first, mode: 'draw', minZoom: 0 }, { views, panAt: ['city'], ticks: 0 });
    }
  }

  log(`== one live tick moving ${TICK_VEHICLES.toLocaleString('en')} vehicles (whole city, basemap and vehicles only) ==`);
  const oursTick = await record('1m', 'ours: MapEngine.applyTick (LiveCity: one new position buffer)', { approach: 'ours', view: 'city', mode: 'tick', vehicles: TICK_VEHICLES }, { views: [], ticks: TICKS });
  const naiveTick = await record('1m', `baseline: a new ScatterplotLayer over ${TICK_VEHICLES.toLocaleString('en')} new objects each tick`, { approach: 'baseline', view: 'city', mode: 'tick', vehicles: TICK_VEHICLES }, { views: [], ticks: TICKS });

  log('== summary: ours vs baseline = baseline/ours (above 1: ours faster or smaller) ==');
  const find = (size: SizeName, approach: string, minZoom?: number) => runs.find((entry) => entry.size === size && entry.params.mode === 'draw' && entry.params.approach === approach && entry.params.minZoom === minZoom);
  for (const size of sizes) {
    log(` ${SIZES[size].count.toLocaleString('en')} components`);
    const ours = find(size, 'ours');
    const baseline = find(size, 'baseline');
    for (const view of VIEW_NAMES) {
      if (view === 'city') {
        log(`  ${comparison(`${label(view)}, ours as shipped (no components below z12)`, view, ours, baseline)}`);
        const everyComponent = `${label(view)}, ours with componentsMinZoom 0 (every component drawn)`;
        const oursEvery = find(size, 'ours', 0);
        log(`  ${oursEvery ? comparison(everyComponent, view, oursEvery, baseline) : `${everyComponent}: not run at this size (see above)`}`);
      } else log(`  ${comparison(label(view), view, ours, baseline)}`);
    }
    const drawing = (approach: string) => runs.filter((entry) => entry.size === size && entry.params.mode === 'draw' && entry.params.approach === approach);
    const peak = (approach: string, of: (entry: RunResult) => number) => Math.max(0, ...drawing(approach).map(of));
    const memory = (approach: string) => {
      if (drawing(approach).length === 0) return 'not run';
      const failed = drawing(approach).some((entry) => !entry.ok) ? ' (up to its failure)' : '';
      return `JS heap ${mb(peak(approach, (entry) => entry.peakHeap))}, ArrayBuffers ${mb(peak(approach, (entry) => entry.peakBuffers))}, browser RSS ${mb(peak(approach, (entry) => entry.peakRss))}${failed}`;
    };
    const total = (approach: string) => peak(approach, (entry) => entry.peakHeap + entry.peakBuffers) || null;
    const baselineFailed = drawing('baseline').some((entry) => !entry.ok);
    log(`  peak memory loading and drawing: ours ${memory('ours')}; baseline ${memory('baseline')}; JS heap + ArrayBuffers ${baselineFailed ? 'at least ' : ''}${ratio(total('baseline'), total('ours'))}`);
    if (baselineFailed) {
      const managed = sizes.filter((other) => runs.some((entry) => entry.size === other && entry.params.approach === 'baseline' && entry.params.mode === 'draw' && entry.ok));
      log(`  the baseline did not manage ${SIZES[size].count.toLocaleString('en')} points; ${managed.length > 0 ? `the comparison stands at ${managed.map((other) => SIZES[other].count.toLocaleString('en')).join(', ')} above` : 'it managed no size here'}`);
    }
  }
  if (oursTick.ok && naiveTick.ok && oursTick.ticks && naiveTick.ticks) {
    const ms = (result: RunResult) => (result.ticks ?? []).map((step) => step.ms);
    const busy = (result: RunResult) => (result.ticks ?? []).map((step) => step.busy);
    log(` live tick of ${TICK_VEHICLES.toLocaleString('en')} vehicles to its frame on screen: median ${versus(median(ms(naiveTick)), median(ms(oursTick)))}, p90 ${versus(p90(ms(naiveTick)), p90(ms(oursTick)))}; main thread a tick ${versus(median(busy(naiveTick)), median(busy(oursTick)))}`);
  } else log(` live tick: ${oursTick.ok ? '' : `ours failed (${oursTick.error}) `}${naiveTick.ok ? '' : `baseline failed (${naiveTick.error})`}`);
} catch (error) {
  console.error(`map: FAILED outside a page run: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
} finally {
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  const failed = runs.filter((entry) => !entry.ok);
  log(`done in ${fmt(performance.now() - benchStarted)} (started ${started.toISOString()}); ${failed.length} page(s) failed${failed.length ? `: ${failed.map((entry) => `${entry.params.approach} ${SIZES[entry.size].count.toLocaleString('en')}`).join(', ')}` : ''}; load average now ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
}
// A baseline that cannot cope is a finding, not a failure of the bench; ours failing is.
if (runs.some((entry) => entry.params.approach === 'ours' && !entry.ok)) process.exitCode = 1;
