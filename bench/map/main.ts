/// <reference types="vite/client" />
/**
 * The map bench's page (bundled by bench/map.bench.ts with Vite, opened in headless Chromium). Its query string says
 * what to draw (see protocol.ts): OURS is the real MapEngine on the city's binary chunks; the BASELINE is the same
 * maplibre basemap with one deck.gl ScatterplotLayer (interleaved MapboxOverlay) fed every point as a JS object with
 * accessor functions, the usual naive way. Every time is taken to a frame on screen: when the map goes idle after a
 * change, a 1-pixel readPixels waits for the GPU to finish drawing it.
 */
// First, so that every animation frame maplibre, deck.gl and the engine ask for is timed.
import { excludeFromBusy, frameBusyMs } from './frame-probe.js';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-csp-worker.js?url';
import { MapboxOverlay } from '@deck.gl/mapbox';
import { ScatterplotLayer } from '@deck.gl/layers';
import { CityManifestSchema, COMPONENT_SUBCLASSES, decodeComponentChunk, FleetFileSchema, StreetsFileSchema, type ComponentChunkEntry, type Vehicle } from '../../src/shared/city/index.js';
import { FeatureCollectionSchema, type Basemap } from '../../src/shared/domain/basemap.js';
import type { FeedTick } from '../../src/shared/domain/feed.js';
import { CHONGQING_BOUNDS, basemapStyle } from '../../src/renderer/features/map/basemap-style.js';
import { buildCatalogue, catalogueLayers, majorClassColour, type LayerFamily } from '../../src/renderer/features/map/catalogue.js';
import { initialMapLayersState, type MapLayersState } from '../../src/shared/map/map-layers-state.js';
import { loadCityRegisters, loadComponentChunks, type CityRegisters } from '../../src/renderer/features/map/city-data.js';
import { MapEngine, type MapCamera } from '../../src/renderer/features/map/map-engine.js';
import type { MapBenchPage, Mode, RunParams, StepTime, ViewName } from './protocol.js';

maplibregl.setWorkerUrl(workerUrl);

/** 解放碑, the centre of 渝中区. */
const JIEFANGBEI: [number, number] = [106.5772, 29.5576];
const CAMERAS: Record<ViewName, MapCamera | null> = {
  // null: the engine's home view, Chongqing's bounds fitted with 24 px padding (the baseline does the same).
  city: null,
  district: { center: JIEFANGBEI, zoom: 12.5, bearing: 0, pitch: 0 },
  street: { center: JIEFANGBEI, zoom: 16, bearing: 0, pitch: 0 },
};
/** Pan steps in pixels, a loop that comes back where it started. */
const PAN_STEPS: readonly [number, number][] = [
  [240, 0],
  [0, 160],
  [-240, 0],
  [0, -160],
];
const LABEL_FONT = "'Noto Sans SC', 'Noto Sans CJK SC', sans-serif";

function readParams(): RunParams {
  const query = new URLSearchParams(location.search);
  const number = (name: string) => (query.has(name) ? Number(query.get(name)) : undefined);
  return {
    approach: query.get('approach') === 'baseline' ? 'baseline' : 'ours',
    view: (query.get('view') ?? 'city') as ViewName,
    mode: (query.get('mode') ?? 'draw') as Mode,
    minZoom: number('minZoom'),
    limit: number('limit'),
    vehicles: number('vehicles'),
  };
}

const container = document.getElementById('map') as HTMLDivElement;
const notReady = () => Promise.reject(new Error('the page is not ready'));
const page: MapBenchPage = { state: 'loading', error: null, progress: 'starting', renderer: 'unknown', points: 0, firstFrameMs: null, firstFrameRenders: 0, visit: notReady, pan: notReady, tick: notReady };
window.__mapBench = page;
const step = (what: string) => {
  page.progress = what;
};
addEventListener('error', (event) => fail(`uncaught error while ${page.progress}: ${event.message}`));
addEventListener('unhandledrejection', (event) => fail(`unhandled rejection while ${page.progress}: ${String(event.reason)}`));

function fail(message: string): void {
  if (page.state === 'failed') return;
  page.state = 'failed';
  page.error = message;
}

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/**
 * Times frames on screen. The map reports each frame it renders and each time it goes idle (a render that left nothing
 * pending); at both, a 1-pixel readPixels from the screen's framebuffer returns only once the GPU has finished the frame.
 */
class FrameClock {
  private gl: WebGL2RenderingContext | null = null;
  private idles = 0;
  /** Frames the map has rendered. */
  renders = 0;
  /** When the last idle frame was on screen. */
  lastIdleAt = 0;
  private idleWaiters: (() => void)[] = [];
  private renderWaiters: ((at: number) => void)[] = [];
  private readonly pixel = new Uint8Array(4);

  attach(map: maplibregl.Map): void {
    map.on('render', () => this.onRender());
    // The context maplibre made: asking the canvas for the same kind again returns it.
    this.gl = map.getCanvas().getContext('webgl2');
    if (!this.gl) throw new Error('no WebGL2 context on the map canvas');
    const info = this.gl.getExtension('WEBGL_debug_renderer_info');
    page.renderer = String(this.gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : this.gl.RENDERER));
  }

  onIdle(): void {
    this.idles += 1;
    this.lastIdleAt = this.finishFrame();
    const waiting = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiting) wake();
  }

  private onRender(): void {
    this.renders += 1;
    if (this.renderWaiters.length === 0) return;
    const at = this.finishFrame();
    const waiting = this.renderWaiters;
    this.renderWaiters = [];
    for (const wake of waiting) wake(at);
  }

  /** A 1-pixel read from the screen's framebuffer: returns once the GPU has finished the frame drawn into it. */
  private finishFrame(): number {
    const gl = this.gl;
    const started = performance.now();
    if (gl) {
      const readBinding = gl.getParameter(gl.READ_FRAMEBUFFER_BINDING) as WebGLFramebuffer | null;
      const packBinding = gl.getParameter(gl.PIXEL_PACK_BUFFER_BINDING) as WebGLBuffer | null;
      gl.bindFramebuffer(gl.READ_FRAMEBUFFER, null);
      if (packBinding) gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, this.pixel);
      gl.bindFramebuffer(gl.READ_FRAMEBUFFER, readBinding);
      if (packBinding) gl.bindBuffer(gl.PIXEL_PACK_BUFFER, packBinding);
    }
    const finished = performance.now();
    excludeFromBusy(finished - started);
    return finished;
  }

  /**
   * Makes a change and times it to its frame on screen: the first frame rendered after it (`first`: a frame while
   * panning, a tick drawn) or the last one it set off (`settled`: everything drawn, the map idle). Returns the main-thread
   * time and the frames the change took until then.
   */
  async time(until: 'first' | 'settled', change: () => void): Promise<StepTime> {
    const busy0 = frameBusyMs();
    const renders0 = this.renders;
    const first = new Promise<number>((resolve) => this.renderWaiters.push(resolve));
    const t0 = performance.now();
    change();
    const sync = performance.now() - t0;
    let at: number;
    if (until === 'first') at = await first;
    else {
      at = (await this.settled()) ?? performance.now();
      // A change that drew nothing (a jump to where the map already is) leaves no frame to wait for.
      this.renderWaiters = [];
    }
    return { ms: at - t0, busy: sync + frameBusyMs() - busy0, frames: this.renders - renders0 };
  }

  /**
   * When the last frame set off by a change just made reached the screen: waits for the map to go idle, then a few more
   * frames in case the change set off another render (the engine re-layers in its own animation frame, deck.gl asks
   * maplibre for a repaint in another, labels fade), and takes the last idle frame. Null when nothing was drawn in
   * five frames (the change did not alter the picture), unless `mayDrawNothing` is false (the map is still loading).
   */
  async settled(mayDrawNothing = true): Promise<number | null> {
    const renders0 = this.renders;
    let idled = false;
    const idle = new Promise<void>((resolve) =>
      this.idleWaiters.push(() => {
        idled = true;
        resolve();
      }),
    );
    for (;;) {
      for (let i = 0; i < 5 && !idled; i++) await Promise.race([nextFrame(), idle]);
      if (idled) break;
      if (mayDrawNothing && this.renders === renders0) return null;
    }
    for (;;) {
      const seen = this.idles;
      const at = this.lastIdleAt;
      for (let i = 0; i < 5; i++) await nextFrame();
      if (this.idles === seen) return at;
    }
  }
}

async function fetchOk(path: string): Promise<Response> {
  const response = await fetch(`/city/${path}`);
  if (!response.ok) throw new Error(`/city/${path}: HTTP ${response.status}`);
  return response;
}

/** The basemap as the host serves it to the map window (the same three files, checked against the same schema). */
async function loadBasemap(): Promise<Basemap> {
  const read = async (name: string) => FeatureCollectionSchema.parse(await (await fetchOk(name)).json());
  const [districts, outline, rivers] = await Promise.all([read('districts.geojson'), read('outline.geojson'), read('rivers.geojson')]);
  return { districts, outline, rivers };
}

/** Layer state showing only the given families (the comparison draws the same content on both sides). */
function showingOnly(city: CityRegisters, families: readonly LayerFamily[]): MapLayersState {
  const systems = buildCatalogue({ ...city, componentCounts: new Map() });
  const visibility = Object.fromEntries(catalogueLayers(systems).map((layer) => [layer.id, families.includes(layer.family)]));
  return { ...initialMapLayersState, visibility };
}

/** The city's fleet cloned (new ids) up to `count` vehicles, so a tick moves that many. */
function withFleetOf<T extends { fleet: { vehicles: readonly Vehicle[] } }>(city: T, count: number): T {
  const source = city.fleet.vehicles;
  if (source.length === 0) throw new Error('the city has no vehicles to clone');
  const vehicles = Array.from({ length: count }, (_, i): Vehicle => ({ ...(source[i % source.length] as Vehicle), id: `VH${String(i + 1).padStart(6, '0')}` }));
  return { ...city, fleet: { ...city.fleet, vehicles } };
}

/** Ticks moving every vehicle a little, made before timing (both sides receive the same decoded feed messages). */
function makeTicks(count: number, vehicles: number, bbox: readonly number[]): FeedTick[] {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const [west = 105.3, south = 28.2, east = 110.1, north = 32.1] = bbox;
  const positions = Array.from({ length: vehicles * 2 }, (_, i) => (i % 2 === 0 ? west + random() * (east - west) : south + random() * (north - south)));
  const start = Date.parse('2026-11-27T08:00:00Z');
  return Array.from({ length: count }, (_, t) => ({
    seq: t + 1,
    // One tick a second, as the backend sends them (vehicle trails are sampled every tenth tick).
    at: new Date(start + t * 1000).toISOString(),
    vehiclePositions: positions.map((value) => value + (random() - 0.5) * 0.002),
    crewPositions: [],
    sensorChanges: [],
  }));
}

function takeTick(ticks: readonly FeedTick[], index: number): FeedTick {
  const tick = ticks[index];
  if (!tick) throw new Error(`only ${ticks.length} ticks were prepared`);
  return tick;
}

/**
 * `count` changes, each timed to the first frame on screen after it. Panning goes on at once, as a drag does (frames
 * follow each other; anything a pan set off lands in the next step's frame); ticks wait for the map to settle, as one
 * arrives a second. Stops early (after at least 3) once past `budgetMs`.
 */
async function timeSteps(count: number, budgetMs: number, settleBetween: boolean, change: (index: number) => void, clock: FrameClock): Promise<StepTime[]> {
  const times: StepTime[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    times.push(await clock.time('first', () => change(i)));
    if (settleBetween) await clock.settled();
    if (times.length >= 3 && performance.now() - started > budgetMs) break;
  }
  await clock.settled();
  return times;
}

/** Everything the runner can ask of a loaded page, the same for both approaches. */
function exposeCamera(map: maplibregl.Map, clock: FrameClock): void {
  page.pan = (steps, budgetMs) => timeSteps(steps, budgetMs, false, (i) => map.panBy(PAN_STEPS[i % PAN_STEPS.length] as [number, number], { animate: false }), clock);
  page.visit = (view) =>
    clock.time('settled', () => {
      const camera = CAMERAS[view];
      if (camera) map.jumpTo({ center: camera.center, zoom: camera.zoom, bearing: 0, pitch: 0 });
      else map.fitBounds(CHONGQING_BOUNDS, { padding: 24, animate: false });
    });
}

async function runOurs(params: RunParams): Promise<void> {
  const abort = new AbortController();
  step('loading the basemap and the city registers');
  const [basemap, registers] = await Promise.all([loadBasemap(), loadCityRegisters(abort.signal)]);
  const tick = params.mode === 'tick';
  const city = tick ? withFleetOf(registers, params.vehicles ?? 10_000) : registers;
  const clock = new FrameClock();
  step('constructing MapEngine');
  const engine = new MapEngine({
    container,
    basemap,
    basemapSource: { kind: 'offline' },
    city,
    theme: 'wall-dark',
    language: 'zh-CN',
    layers: showingOnly(city, tick ? ['districts', 'rivers', 'vehicles'] : ['districts', 'rivers', 'components']),
    camera: CAMERAS[params.view],
    componentsMinZoom: params.minZoom,
    onHover: () => undefined,
    onSelect: () => undefined,
    onCameraChange: () => undefined,
    onIdleChange: (idle) => idle && clock.onIdle(),
  });
  // MapEngine has no public way to move the camera without an animation, nor to see its frames: the bench reads its
  // private map.
  const map = (engine as unknown as { map?: unknown }).map;
  if (!(map instanceof maplibregl.Map)) throw new Error('MapEngine has no `map` field any more: the bench needs a way to pan it without animation');
  clock.attach(map);
  if (tick) {
    await clock.settled(false);
    const ticks = makeTicks(2 + 50, city.fleet.vehicles.length, city.manifest.bbox);
    // Two ticks untimed: the first creates the vehicles' layer (positions are NaN, so not drawn, until then).
    for (const warm of ticks.slice(0, 2)) {
      engine.applyTick(warm);
      await clock.settled(false);
    }
    let next = 2;
    page.tick = (count) => timeSteps(count, Infinity, true, () => engine.applyTick(takeTick(ticks, next++)), clock);
    page.points = city.fleet.vehicles.length;
  } else {
    step('loading component chunks');
    const problems: string[] = [];
    await loadComponentChunks(
      city.manifest.components.chunks,
      abort.signal,
      (loaded) => engine.addChunk(loaded),
      (problem) => problems.push(problem.message),
    );
    if (problems.length > 0) throw new Error(`component chunks failed to load: ${problems.slice(0, 3).join('; ')}`);
    const loadedAt = performance.now();
    step('drawing every chunk (first frame)');
    // When the last chunks change nothing on screen (outside the view, or below the components' zoom), the picture was
    // complete at the last idle frame, or once the last chunk was in, whichever came later.
    page.firstFrameMs = (await clock.settled(true)) ?? Math.max(clock.lastIdleAt, loadedAt);
    page.firstFrameRenders = clock.renders;
    page.points = engine.componentCount;
  }
  exposeCamera(map, clock);
}

interface NaivePoint {
  position: [number, number];
  color: [number, number, number, number];
}

/** The baseline: maplibre with the same basemap, one deck.gl layer of JS objects in an interleaved MapboxOverlay. */
async function runBaseline(params: RunParams): Promise<void> {
  step('loading the basemap, manifest and streets (and the fleet for ticks)');
  const [basemap, manifest, streets, fleet] = await Promise.all([
    loadBasemap(),
    fetchOk('manifest.json').then(async (response) => CityManifestSchema.parse(await response.json())),
    fetchOk('streets.json').then(async (response) => StreetsFileSchema.parse(await response.json())),
    params.mode === 'tick' ? fetchOk('fleet.json').then(async (response) => FleetFileSchema.parse(await response.json())) : null,
  ]);
  const clock = new FrameClock();
  const camera = CAMERAS[params.view];
  const map = new maplibregl.Map({
    container,
    style: basemapStyle('wall-dark', 'zh-CN'),
    ...(camera ? { center: camera.center, zoom: camera.zoom } : { bounds: CHONGQING_BOUNDS, fitBoundsOptions: { padding: 24 } }),
    attributionControl: false,
    maxPitch: 60,
    localIdeographFontFamily: LABEL_FONT,
  });
  map.on('style.load', () => {
    for (const name of ['districts', 'outline', 'rivers'] as const) {
      map.getSource<maplibregl.GeoJSONSource>(name)?.setData(basemap[name] as Parameters<maplibregl.GeoJSONSource['setData']>[0]);
    }
    map.getSource<maplibregl.GeoJSONSource>('streets')?.setData({
      type: 'FeatureCollection',
      features: streets.districts.flatMap((district) =>
        district.streets.map((street) => ({ type: 'Feature' as const, properties: { name: street.name, code: street.code }, geometry: { type: 'Point' as const, coordinates: [...street.anchor] } })),
      ),
    });
  });
  map.on('idle', () => clock.onIdle());
  const overlay = new MapboxOverlay({ interleaved: true, layers: [] });
  map.addControl(overlay);
  clock.attach(map);

  if (fleet) {
    await clock.settled(false);
    const vehicles = withFleetOf({ fleet }, params.vehicles ?? 10_000).fleet.vehicles;
    const typeColour = new Map(fleet.vehicleTypes.map((type, index) => [type.key, [60 + ((index * 53) % 190), 200 - ((index * 37) % 150), 120 + ((index * 71) % 130), 255] as [number, number, number, number]]));
    const colours = vehicles.map((vehicle) => typeColour.get(vehicle.type) ?? [200, 200, 200, 255]);
    const ticks = makeTicks(2 + 50, vehicles.length, manifest.bbox);
    // The naive way: each tick becomes a new array of objects and a new layer with accessors over it.
    const draw = (feedTick: FeedTick) => {
      const data: NaivePoint[] = [];
      const positions = feedTick.vehiclePositions;
      for (let i = 0; i < vehicles.length; i++) {
        data.push({ position: [positions[i * 2] as number, positions[i * 2 + 1] as number], color: colours[i] as [number, number, number, number] });
      }
      overlay.setProps({
        layers: [
          new ScatterplotLayer<NaivePoint>({
            id: 'vehicles',
            data,
            getPosition: (d) => d.position,
            getFillColor: (d) => d.color,
            getRadius: 4,
            radiusUnits: 'pixels',
            stroked: true,
            getLineColor: [10, 16, 28],
            lineWidthUnits: 'pixels',
            getLineWidth: 1,
            pickable: true,
          }),
        ],
      });
    };
    for (const warm of ticks.slice(0, 2)) {
      draw(warm);
      await clock.settled(false);
    }
    let next = 2;
    page.tick = (count) => timeSteps(count, Infinity, true, () => draw(takeTick(ticks, next++)), clock);
    page.points = vehicles.length;
  } else {
    step('loading component chunks into JS objects');
    const palette = COMPONENT_SUBCLASSES.map((entry) => {
      const [r, g, b] = majorClassColour(entry.code.slice(0, 2));
      return [r, g, b, 230] as [number, number, number, number];
    });
    const limit = params.limit ?? Infinity;
    const points: NaivePoint[] = [];
    const entries = manifest.components.chunks;
    let next = 0;
    // Three chunks in flight at a time, as the engine's loader does.
    const worker = async () => {
      while (next < entries.length && points.length < limit) {
        const entry = entries[next++] as ComponentChunkEntry;
        const chunk = decodeComponentChunk(await (await fetchOk(entry.path)).arrayBuffer());
        const { originLng, originLat } = chunk.header;
        for (let i = 0; i < chunk.header.count && points.length < limit; i++) {
          points.push({
            position: [originLng + (chunk.lngOffset[i] as number), originLat + (chunk.latOffset[i] as number)],
            color: palette[chunk.subclass[i] as number] ?? [200, 200, 200, 230],
          });
        }
        step(`loading component chunks into JS objects (${points.length} so far)`);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    step(`building the deck.gl layer of ${points.length} objects`);
    overlay.setProps({
      layers: [
        new ScatterplotLayer<NaivePoint, { beforeId?: string }>({
          id: 'components',
          data: points,
          getPosition: (d) => d.position,
          getFillColor: (d) => d.color,
          radiusUnits: 'pixels',
          getRadius: 2.5,
          radiusMinPixels: 1.5,
          stroked: false,
          pickable: true,
          autoHighlight: true,
          highlightColor: [255, 255, 255, 255],
          // Under the labels, as ours.
          beforeId: 'district-label',
        }),
      ],
    });
    step('drawing (first frame)');
    page.firstFrameMs = await clock.settled(false);
    page.firstFrameRenders = clock.renders;
    page.points = points.length;
  }
  exposeCamera(map, clock);
}

const params = readParams();
(params.approach === 'ours' ? runOurs(params) : runBaseline(params)).then(
  () => {
    if (page.state === 'loading') {
      page.state = 'ready';
      page.progress = 'ready';
    }
  },
  (error: unknown) => fail(`${page.progress}: ${error instanceof Error ? error.message : String(error)}`),
);
