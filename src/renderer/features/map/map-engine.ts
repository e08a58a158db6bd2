import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-csp-worker.js?url';
import { MapboxOverlay } from '@deck.gl/mapbox';
import type { PickingInfo } from '@deck.gl/core';
import type { Basemap } from '../../../shared/domain/basemap.js';
import type { Language, Theme } from '../../../shared/domain/settings.js';
import type { FeedTick, Incident, SensorReading } from '../../../shared/domain/feed.js';
import type { LngLat } from '../../../shared/domain/geo.js';
import type { CameraSummary } from '../../../shared/domain/shared-state.js';
import { COMPONENT_SUBCLASSES, createGridLookup, type GridLookup } from '../../../shared/city/index.js';
import { CHONGQING_BOUNDS, basemapStyle, cityOverlay } from './basemap-style.js';
import type { BasemapSource } from '../../../shared/domain/basemap-source.js';
import { buildCatalogue, systemOfFamily, visibleKeysByFamily, type CatalogueSystem, type Rgb } from './catalogue.js';
import type { MapLayersState } from '../../../shared/map/map-layers-state.js';
import { cameraMarkers, type CameraMarker } from './camera-markers.js';
import type { CityRegisters, LoadedComponentChunk } from './city-data.js';
import { COMPONENTS_MIN_ZOOM, buildDeckLayers, intersects, buildStaticGeometry, positionOf, refOfPick, type MapObjectRef, type StaticGeometry } from './deck-layers.js';
import { countGridMeasure, type GridMeasureCounts } from './grid-measures.js';
import { LiveCity } from './live-city.js';

// Vite does not bundle maplibre's worker on its own; point maplibre at the emitted file (same origin, CSP-safe).
maplibregl.setWorkerUrl(workerUrl);

export interface MapCamera {
  readonly center: [number, number];
  readonly zoom: number;
  readonly bearing: number;
  readonly pitch: number;
}

export interface MapEngineOptions {
  readonly container: HTMLElement;
  readonly basemap: Basemap;
  /** The customer's basemap, or the offline one drawn from the city build. */
  readonly basemapSource: BasemapSource;
  readonly city: CityRegisters;
  readonly theme: Theme;
  readonly language: Language;
  readonly layers: MapLayersState;
  readonly camera: MapCamera | null;
  /** Below this zoom components are not drawn (the benchmark lowers it to time the whole city). */
  readonly componentsMinZoom?: number;
  readonly onHover: (hover: { ref: MapObjectRef; x: number; y: number } | null) => void;
  readonly onSelect: (ref: MapObjectRef | null) => void;
  readonly onCameraChange: (camera: MapCamera) => void;
  /** False while the map moves or loads, true once it has drawn everything (tests and benchmarks wait on it). */
  readonly onIdleChange: (idle: boolean) => void;
}

/**
 * The live map, kept out of the store: maplibre's basemap with deck.gl's layers interleaved in the same WebGL context.
 * Views push state in (layer state, incidents, selection, ticks); the engine redraws at most once per frame and owns
 * everything that must be released: the map, the overlay, timers and the animation loop.
 */
export class MapEngine {
  readonly live: LiveCity;
  private readonly map: maplibregl.Map;
  private readonly overlay: MapboxOverlay;
  private readonly geometry: StaticGeometry;
  private readonly lookup: GridLookup;
  private readonly sensorCells: Int32Array;
  private readonly chunks: LoadedComponentChunk[] = [];
  private cameraList: readonly CameraMarker[];
  private systems: CatalogueSystem[];
  private layersState: MapLayersState;
  private theme: Theme;
  private incidents: readonly Incident[] = [];
  private focusedIncidentId: string | null = null;
  private selected: MapObjectRef | null = null;
  private gridMeasure: GridMeasureCounts | null = null;
  private gridMeasureStale = true;
  private pulse: number | null = null;
  private frame: number | null = null;
  private pulseTimer: ReturnType<typeof setInterval> | null = null;
  private readonly componentsMinZoom: number;
  private disposed = false;
  /** Chunk count per subclass code, for the catalogue. */
  private readonly componentCounts = new Map<string, number>();

  constructor(private readonly options: MapEngineOptions) {
    const { city } = options;
    this.theme = options.theme;
    this.layersState = options.layers;
    this.componentsMinZoom = options.componentsMinZoom ?? COMPONENTS_MIN_ZOOM;
    this.lookup = createGridLookup(city.grid);
    this.cameraList = cameraMarkers(city.cameras.cameras, null, (position) => this.districtAt(position));
    this.systems = this.buildSystems();
    this.live = new LiveCity(city.manifest.center, city.fleet.vehicles.length, city.crews.crews.length, new Map(city.sensors.sensors.map((sensor, index) => [sensor.id, index])));
    this.sensorCells = Int32Array.from(city.sensors.sensors, (sensor) => this.lookup.cellAt(sensor.position[0], sensor.position[1]));
    const colourOf = (family: 'vehicles' | 'crews') => (key: string): Rgb =>
      this.systems.flatMap((system) => system.groups.flatMap((group) => group.layers)).find((layer) => layer.family === family && layer.key === key)?.colour ?? [200, 200, 200];
    this.geometry = buildStaticGeometry(city, { vehicle: colourOf('vehicles'), crew: colourOf('crews') });

    this.map = new maplibregl.Map({
      container: options.container,
      style: basemapStyle(options.theme, options.language, options.basemapSource),
      ...(options.camera ? { center: options.camera.center, zoom: options.camera.zoom, bearing: options.camera.bearing, pitch: options.camera.pitch } : { bounds: CHONGQING_BOUNDS, fitBoundsOptions: { padding: 24 } }),
      attributionControl: false,
      maxPitch: 60,
      // Labels use the page's CJK font through the browser, not glyph tiles.
      localIdeographFontFamily: "'Noto Sans SC', 'Noto Sans CJK SC', sans-serif",
    });
    this.map.addControl(new maplibregl.NavigationControl({ visualizePitch: true }), 'bottom-right');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.map.on('style.load', () => this.fillBasemap());
    this.applyCustomerStyle(options.theme, options.language);
    // Zoom decides which layers draw, the view which chunks: re-layered in the same frame as the move, so chunks that
    // come into view are drawn with it rather than one frame later.
    this.map.on('move', () => this.render());
    this.map.on('moveend', () => options.onCameraChange(this.camera()));
    this.map.on('movestart', () => options.onIdleChange(false));
    this.map.on('idle', () => options.onIdleChange(true));

    this.overlay = new MapboxOverlay({
      interleaved: true,
      layers: [],
      pickingRadius: 4,
      onHover: (info: PickingInfo) => options.onHover(this.pick(info)),
    });
    this.map.addControl(this.overlay);
    // Picked here rather than through the overlay's onClick: in interleaved mode deck 9.4 answers a click with the
    // pick it made at pointer-down on its own canvas id, which finds nothing on the shared map canvas.
    this.map.on('click', (event) => {
      const info = this.overlay.pickObject({ x: event.point.x, y: event.point.y, radius: 4 });
      options.onSelect(info ? (this.pick(info)?.ref ?? null) : null);
    });
    this.schedule();
  }

  get catalogue(): readonly CatalogueSystem[] {
    return this.systems;
  }

  get loadedChunks(): readonly LoadedComponentChunk[] {
    return this.chunks;
  }

  /** The cameras drawn: the backend's catalogue once `setCatalogueCameras` gave it, the city's own until then. */
  get cameras(): readonly CameraMarker[] {
    return this.cameraList;
  }

  /**
   * The backend's camera catalogue (read again whenever the backend reconnects, maybe with another cameras file): the
   * camera layer, its count in the layer catalogue, and picks follow it.
   */
  setCatalogueCameras(catalogue: readonly CameraSummary[]): void {
    this.cameraList = cameraMarkers(this.options.city.cameras.cameras, catalogue, (position) => this.districtAt(position));
    this.systems = this.buildSystems();
    this.schedule();
  }

  /** How many components are loaded (and drawn from the components' zoom on). */
  get componentCount(): number {
    return this.chunks.reduce((sum, loaded) => sum + loaded.chunk.header.count, 0);
  }

  camera(): MapCamera {
    const center = this.map.getCenter();
    return { center: [center.lng, center.lat], zoom: this.map.getZoom(), bearing: this.map.getBearing(), pitch: this.map.getPitch() };
  }

  setAppearance(theme: Theme, language: Language): void {
    if (theme !== this.theme) this.theme = theme;
    this.map.setStyle(basemapStyle(theme, language, this.options.basemapSource));
    this.applyCustomerStyle(theme, language);
    this.schedule();
  }

  setLayers(state: MapLayersState): void {
    if (state.gridMeasure !== this.layersState.gridMeasure) this.gridMeasureStale = true;
    this.layersState = state;
    this.applyBasemapVisibility();
    this.schedule();
  }

  setIncidents(incidents: readonly Incident[], focusedId: string | null): void {
    if (incidents !== this.incidents) this.gridMeasureStale ||= this.layersState.gridMeasure === 'open-cases';
    this.incidents = incidents;
    const focused = incidents.find((incident) => incident.id === focusedId);
    if (focused && focusedId !== this.focusedIncidentId) this.flyTo(focused.position, Math.max(this.map.getZoom(), 14));
    this.focusedIncidentId = focusedId;
    this.schedule();
  }

  setSelected(ref: MapObjectRef | null): void {
    this.selected = ref;
    this.schedule();
  }

  /** Adds a chunk of components as it arrives; the catalogue's counts follow. */
  addChunk(loaded: LoadedComponentChunk): void {
    this.chunks.push(loaded);
    const { subclass } = loaded.chunk;
    const perSubclass = new Uint32Array(256);
    for (let i = 0; i < subclass.length; i++) perSubclass[subclass[i] as number] = (perSubclass[subclass[i] as number] as number) + 1;
    COMPONENT_SUBCLASSES.forEach((entry, index) => this.componentCounts.set(entry.code, (this.componentCounts.get(entry.code) ?? 0) + (perSubclass[index] ?? 0)));
    this.systems = this.buildSystems();
    if (this.layersState.gridMeasure === 'damaged-components') this.gridMeasureStale = true;
    // While a city loads, a chunk that would not be drawn now (outside the view, or below the components' zoom) does
    // not cost a redraw: measured on llvmpipe, redrawing for every chunk made the first complete frame twice as late.
    // It is in the layers the next time they are built.
    if (this.gridMeasureStale || this.chunkDrawnNow(loaded)) this.schedule();
  }

  private chunkDrawnNow(loaded: LoadedComponentChunk): boolean {
    if (this.map.getZoom() < this.componentsMinZoom) return false;
    return intersects(loaded.entry.bbox, this.viewBounds());
  }

  applySensorReadings(readings: readonly SensorReading[]): void {
    this.live.applySensorReadings(readings);
    if (this.layersState.gridMeasure === 'alarms') this.gridMeasureStale = true;
    this.updatePulse();
    this.schedule();
  }

  /** One feed tick: new position buffers for the moving layers, nothing rebuilt. */
  applyTick(tick: FeedTick): void {
    this.live.applyTick(tick);
    if (tick.sensorChanges.length > 0) {
      if (this.layersState.gridMeasure === 'alarms') this.gridMeasureStale = true;
      this.updatePulse();
    }
    this.schedule();
  }

  flyTo(position: readonly [number, number], zoom: number): void {
    this.map.flyTo({ center: [position[0], position[1]], zoom, essential: true });
  }

  /** The whole municipality. */
  home(): void {
    this.map.fitBounds(CHONGQING_BOUNDS, { padding: 24, essential: true });
  }

  fitBounds(bbox: readonly [number, number, number, number]): void {
    this.map.fitBounds([bbox[0], bbox[1], bbox[2], bbox[3]], { padding: 48, essential: true });
  }

  /** Where `ref` is now, for the detail panel's "fly to". */
  positionOf(ref: MapObjectRef): [number, number] | null {
    return positionOf(ref, { city: this.options.city, chunks: this.chunks, live: this.live, incidents: this.incidents, cameras: this.cameraList });
  }

  /** Screen position of a point, for tests and for anchoring panels. */
  project(position: readonly [number, number]): { x: number; y: number } {
    const point = this.map.project([position[0], position[1]]);
    return { x: point.x, y: point.y };
  }

  /** Resolves when the map has drawn everything it was asked to (tiles, style and layers). */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      if (this.map.loaded() && this.frame === null) resolve();
      else this.map.once('idle', () => resolve());
    });
  }

  dispose(): void {
    this.disposed = true;
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    if (this.pulseTimer !== null) clearInterval(this.pulseTimer);
    this.map.removeControl(this.overlay);
    this.overlay.finalize();
    this.map.remove();
  }

  private buildSystems(): CatalogueSystem[] {
    return buildCatalogue({ ...this.options.city, componentCounts: this.componentCounts, cameraCount: this.cameraList.length });
  }

  /** The district whose grid cell holds `position`; null outside the city's grid. */
  private districtAt(position: LngLat): string | null {
    const { gridSidecar } = this.options.city;
    const cell = this.lookup.cellAt(position[0], position[1]);
    return cell < 0 ? null : (gridSidecar.districts[gridSidecar.districtIndex[cell] ?? -1] ?? null);
  }

  private viewBounds(): [number, number, number, number] {
    const bounds = this.map.getBounds();
    return [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()];
  }

  private pick(info: PickingInfo): { ref: MapObjectRef; x: number; y: number } | null {
    // A click's info is the pick made at pointer-down, which carries the layer and index but not always `picked`.
    if (!info.layer || info.index < 0) return null;
    const ref = refOfPick(info.layer.id, info.index, info.object);
    return ref ? { ref, x: info.x, y: info.y } : null;
  }

  private schedule(): void {
    if (this.frame !== null || this.disposed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.render();
    });
  }

  private render(): void {
    if (this.frame !== null) {
      cancelAnimationFrame(this.frame);
      this.frame = null;
    }
    if (this.disposed) return;
    if (this.gridMeasureStale) {
      this.gridMeasureStale = false;
      this.gridMeasure = countGridMeasure(this.layersState.gridMeasure, {
        cellCount: this.options.city.grid.header.cellCount,
        lookup: this.lookup,
        incidents: this.incidents,
        sensorCells: this.sensorCells,
        live: this.live,
        chunks: this.chunks,
      });
    }
    this.overlay.setProps({
      layers: buildDeckLayers({
        systems: this.systems,
        state: this.layersState,
        theme: this.theme,
        zoom: this.map.getZoom(),
        viewBounds: this.viewBounds(),
        componentsMinZoom: this.componentsMinZoom,
        city: this.options.city,
        geometry: this.geometry,
        chunks: this.chunks,
        live: this.live,
        cameras: this.cameraList,
        gridMeasure: this.gridMeasure,
        incidents: this.incidents,
        focusedIncidentId: this.focusedIncidentId,
        selected: this.selected,
        pulse: this.pulse,
      }),
    });
  }

  /**
   * Alarms pulse while any sensor is in alarm, unless the operator's system asks for reduced motion. The pulse steps
   * at 8 Hz rather than every frame: it reads as motion at wall distance and keeps the GPU free for panning.
   */
  private updatePulse(): void {
    const wanted = this.live.alarmSensorIndexes().length > 0 && !matchMedia('(prefers-reduced-motion: reduce)').matches;
    if (wanted && this.pulseTimer === null) {
      const started = performance.now();
      this.pulseTimer = setInterval(() => {
        this.pulse = ((performance.now() - started) % 1500) / 1500;
        this.schedule();
      }, 125);
    } else if (!wanted && this.pulseTimer !== null) {
      clearInterval(this.pulseTimer);
      this.pulseTimer = null;
      this.pulse = null;
    }
  }

  /** A customer's style is fetched from their server and the city's overlays are added on top of its layers. */
  private applyCustomerStyle(theme: Theme, language: Language): void {
    const source = this.options.basemapSource;
    if (source.kind !== 'style') return;
    const overlay = cityOverlay(theme, language);
    this.map.setStyle(source.url, {
      transformStyle: (_previous, next) => ({ ...next, sources: { ...next.sources, ...overlay.sources }, layers: [...next.layers, ...overlay.layers] }),
    });
  }

  private fillBasemap(): void {
    const { basemap, city } = this.options;
    for (const name of ['districts', 'outline', 'rivers'] as const) {
      // Our schema-checked collections are GeoJSON; maplibre's type is the @types/geojson one.
      const data = basemap[name] as Parameters<maplibregl.GeoJSONSource['setData']>[0];
      this.map.getSource<maplibregl.GeoJSONSource>(name)?.setData(data);
    }
    this.map.getSource<maplibregl.GeoJSONSource>('streets')?.setData({
      type: 'FeatureCollection',
      features: city.streets.districts.flatMap((district) =>
        district.streets.map((street) => ({ type: 'Feature' as const, properties: { name: street.name, code: street.code }, geometry: { type: 'Point' as const, coordinates: [...street.anchor] } })),
      ),
    });
    this.applyBasemapVisibility();
  }

  private applyBasemapVisibility(): void {
    if (!this.map.isStyleLoaded()) return;
    const shown = visibleKeysByFamily(this.systems, this.layersState);
    const visibility = (on: boolean) => (on ? 'visible' : 'none');
    for (const id of ['district-line', 'district-label']) this.map.setLayoutProperty(id, 'visibility', visibility((shown.get('districts')?.size ?? 0) > 0));
    this.map.setLayoutProperty('rivers', 'visibility', visibility((shown.get('rivers')?.size ?? 0) > 0));
    const owner = systemOfFamily(this.systems);
    const baseOpacity = this.layersState.opacity[owner.get('districts') ?? 'base'] ?? 1;
    this.map.setPaintProperty('district-line', 'line-opacity', baseOpacity);
  }
}
