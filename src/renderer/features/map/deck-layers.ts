import { COORDINATE_SYSTEM, type Layer } from '@deck.gl/core';
import { DataFilterExtension, type DataFilterExtensionProps } from '@deck.gl/extensions';
import { PathLayer, ScatterplotLayer, SolidPolygonLayer } from '@deck.gl/layers';
import { COMPONENT_SUBCLASSES } from '../../../shared/city/index.js';
import type { RiskSite, Sensor, TransferStation, Depot } from '../../../shared/city/index.js';
import type { Incident, RiskGrade } from '../../../shared/domain/feed.js';
import type { Theme } from '../../../shared/domain/settings.js';
import {
  gradeColours,
  majorClassColour,
  severityColours,
  systemOfFamily,
  systemOpacity,
  visibleKeysByFamily,
  type CatalogueSystem,
  type LayerFamily,
  type Rgb,
} from './catalogue.js';
import type { MapLayersState } from '../../../shared/map/map-layers-state.js';
import type { CameraMarker } from './camera-markers.js';
import type { CityRegisters, LoadedComponentChunk } from './city-data.js';
import type { GridMeasureCounts } from './grid-measures.js';
import type { LiveCity } from './live-city.js';

/** Components are drawn from this zoom on (a district fills the screen); below it they would be a uniform haze. */
export const COMPONENTS_MIN_ZOOM = 12;
const GRID_LINES_MIN_ZOOM = 11;
/** Deck layers go under the basemap's labels, so district names stay readable over dense layers. */
const BELOW_LABELS = 'district-label';

/** What a map picks: which object of which family, by its id in the city's registers (serialisable). */
export type MapObjectRef =
  | { kind: 'component'; chunk: number; index: number }
  | { kind: 'grid-cell'; index: number }
  | { kind: 'sensor'; index: number }
  | { kind: 'risk-site'; index: number }
  | { kind: 'vehicle'; index: number }
  | { kind: 'crew'; index: number }
  | { kind: 'incident'; id: string }
  /** By id, not by index: the catalogue's cameras can change while the map is open (a backend reconnects). */
  | { kind: 'camera'; id: string }
  | { kind: 'transfer-station'; index: number };

/** Everything the deck layers are a function of; data objects are kept stable between calls so deck diffs cheaply. */
export interface MapLayerInputs {
  readonly systems: readonly CatalogueSystem[];
  readonly state: MapLayersState;
  readonly theme: Theme;
  readonly zoom: number;
  /** What the screen shows, [west, south, east, north]; chunks wholly outside it are not drawn. */
  readonly viewBounds: readonly [number, number, number, number];
  readonly componentsMinZoom: number;
  readonly city: CityRegisters;
  readonly geometry: StaticGeometry;
  readonly chunks: readonly LoadedComponentChunk[];
  readonly live: LiveCity;
  /** The catalogue's cameras (the city's until it is known); the same array until it changes. */
  readonly cameras: readonly CameraMarker[];
  readonly gridMeasure: GridMeasureCounts | null;
  readonly incidents: readonly Incident[];
  readonly focusedIncidentId: string | null;
  readonly selected: MapObjectRef | null;
  /** 0..1, advanced by the engine while sensors are in alarm and motion is allowed; null = no pulse. */
  readonly pulse: number | null;
}

/** Binary data built once per city (or per chunk) and reused by every render. */
export interface StaticGeometry {
  readonly grid: { readonly length: number; readonly startIndices: Uint32Array; readonly attributes: { readonly getPolygon: { value: Float32Array; size: 2 } } };
  readonly gridPaths: { readonly length: number; readonly startIndices: Uint32Array; readonly attributes: { readonly getPath: { value: Float32Array; size: 2 } } };
  /** Byte colours, marked normalised so the GPU reads 0..255 as 0..1. */
  readonly vehicleColours: ByteColours;
  readonly vehicleTypes: { value: Uint8Array; size: 1 };
  readonly crewColours: ByteColours;
  readonly crewSpecialities: { value: Uint8Array; size: 1 };
  /** The GPU columns of each loaded chunk, made on first draw and kept as long as the chunk is. */
  readonly componentData: WeakMap<LoadedComponentChunk, ComponentLayerData>;
}

type ByteColours = { value: Uint8Array; size: 4; normalized: true };

interface ComponentLayerData {
  readonly length: number;
  readonly attributes: {
    readonly getPosition: { value: Float32Array; size: 2 };
    readonly getFillColor: ByteColours;
    readonly getFilterCategory: { value: Uint8Array; size: 1 };
  };
}

/** A colour per component: its major class, or the alert colour when it is damaged, missing, obstructed or under repair. */
export function componentLayerData(loaded: LoadedComponentChunk): ComponentLayerData {
  const { subclass, status } = loaded.chunk;
  const palette = COMPONENT_SUBCLASSES.map((entry) => majorClassColour(entry.code.slice(0, 2)));
  const colours = new Uint8Array(subclass.length * 4);
  for (let i = 0; i < subclass.length; i++) {
    const colour = status[i] === 0 ? (palette[subclass[i] as number] ?? UNKNOWN) : PROBLEM;
    colours[i * 4] = colour[0];
    colours[i * 4 + 1] = colour[1];
    colours[i * 4 + 2] = colour[2];
    colours[i * 4 + 3] = 230;
  }
  return {
    length: subclass.length,
    attributes: {
      getPosition: { value: loaded.positions, size: 2 },
      getFillColor: { value: colours, size: 4, normalized: true },
      getFilterCategory: { value: subclass, size: 1 },
    },
  };
}

/** Layer props of a filtered layer that is slotted into the basemap's layer stack (deck's mapbox module reads beforeId). */
type FilteredInterleaved<T> = DataFilterExtensionProps<T> & { beforeId?: string };

/** Whether two [west, south, east, north] boxes overlap. */
export function intersects(a: readonly [number, number, number, number], b: readonly [number, number, number, number]): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

const UNKNOWN: Rgb = [200, 200, 200];
const PROBLEM: Rgb = [255, 64, 129];
const categoryFilter = new DataFilterExtension({ categorySize: 1 });

export function buildStaticGeometry(city: CityRegisters, palettes: { vehicle: (type: string) => Rgb; crew: (speciality: string) => Rgb }): StaticGeometry {
  const { cellCount, cornersPerCell } = city.grid.header;
  const perRing = cornersPerCell + 1;
  const rings = new Float32Array(cellCount * perRing * 2);
  const startIndices = new Uint32Array(cellCount + 1);
  for (let cell = 0; cell < cellCount; cell++) {
    startIndices[cell] = cell * perRing;
    for (let k = 0; k <= cornersPerCell; k++) {
      const from = (cell * cornersPerCell + (k % cornersPerCell)) * 2;
      rings[(cell * perRing + k) * 2] = city.grid.corners[from] as number;
      rings[(cell * perRing + k) * 2 + 1] = city.grid.corners[from + 1] as number;
    }
  }
  startIndices[cellCount] = cellCount * perRing;
  const colourColumn = <T>(items: readonly T[], colour: (item: T) => Rgb, alpha: (item: T) => number) => {
    const out = new Uint8Array(items.length * 4);
    items.forEach((item, i) => out.set([...colour(item), alpha(item)], i * 4));
    return out;
  };
  const typeIndex = city.fleet.vehicleTypes.map((type) => type.key);
  const specialityIndex = city.crews.specialities.map((speciality) => speciality.key);
  return {
    grid: { length: cellCount, startIndices, attributes: { getPolygon: { value: rings, size: 2 } } },
    gridPaths: { length: cellCount, startIndices, attributes: { getPath: { value: rings, size: 2 } } },
    vehicleColours: { value: colourColumn(city.fleet.vehicles, (vehicle) => palettes.vehicle(vehicle.type), () => 255), size: 4, normalized: true },
    vehicleTypes: { value: Uint8Array.from(city.fleet.vehicles, (vehicle) => typeIndex.indexOf(vehicle.type)), size: 1 },
    // Off-duty crews stay on the map, greyed, at their base: a dispatcher sees who could be called in.
    crewColours: { value: colourColumn(city.crews.crews, (crew) => (crew.onDuty ? palettes.crew(crew.speciality) : [140, 140, 140]), (crew) => (crew.onDuty ? 255 : 150)), size: 4, normalized: true },
    crewSpecialities: { value: Uint8Array.from(city.crews.crews, (crew) => specialityIndex.indexOf(crew.speciality)), size: 1 },
    componentData: new WeakMap(),
  };
}

const sensorStateColours = { normal: [38, 198, 218], warning: [255, 193, 7], alarm: [229, 50, 45] } as const satisfies Record<string, Rgb>;
const zoneRadiusM: Record<RiskGrade, number> = { red: 800, orange: 500, yellow: 300, blue: 150 };

function rampColour(count: number, max: number, theme: Theme): [number, number, number, number] {
  if (count === 0) return theme === 'wall-dark' ? [60, 110, 160, 28] : [90, 120, 160, 24];
  const t = Math.min(1, Math.log1p(count) / Math.log1p(Math.max(max, 1)));
  // Yellow to red, more opaque as the figure grows.
  return [245, Math.round(196 - 146 * t), Math.round(60 - 15 * t), Math.round(110 + 110 * t)];
}

/** The map's deck layers as a pure function of its inputs (kepler.gl's rule: layers follow serialisable state). */
export function buildDeckLayers(inputs: MapLayerInputs): Layer[] {
  const { systems, state, city, geometry, live } = inputs;
  const shown = visibleKeysByFamily(systems, state);
  const owner = systemOfFamily(systems);
  const opacity = (family: LayerFamily) => systemOpacity(state, owner.get(family) ?? family);
  const keys = (family: LayerFamily): string[] => [...(shown.get(family) ?? [])];
  const on = (family: LayerFamily) => keys(family).length > 0;
  const indexesOf = (family: LayerFamily, all: readonly string[]) => keys(family).map((key) => all.indexOf(key)).filter((index) => index >= 0);
  const offsets = { coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS, coordinateOrigin: [live.origin[0], live.origin[1], 0] as [number, number, number] };
  const gridOrigin: [number, number, number] = [city.grid.header.originLng, city.grid.header.originLat, 0];
  const selected = inputs.selected;
  const layers: Layer[] = [];

  if (on('grid')) {
    const measure = inputs.gridMeasure;
    layers.push(
      new SolidPolygonLayer({
        id: 'grid-cells',
        data: geometry.grid,
        _normalize: false,
        _windingOrder: 'CCW',
        positionFormat: 'XY',
        coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS,
        coordinateOrigin: gridOrigin,
        getFillColor: (_: unknown, { index }: { index: number }) => rampColour(measure?.counts[index] ?? 0, measure?.max ?? 0, inputs.theme),
        updateTriggers: { getFillColor: [measure, inputs.theme] },
        pickable: true,
        autoHighlight: true,
        highlightColor: [255, 255, 255, 70],
        opacity: opacity('grid'),
        beforeId: BELOW_LABELS,
      }),
    );
    if (inputs.zoom >= GRID_LINES_MIN_ZOOM) {
      layers.push(
        new PathLayer({
          id: 'grid-lines',
          data: geometry.gridPaths,
          _pathType: 'open',
          positionFormat: 'XY',
          coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS,
          coordinateOrigin: gridOrigin,
          getColor: inputs.theme === 'wall-dark' ? [110, 170, 230, 90] : [60, 90, 130, 90],
          getWidth: 1,
          widthUnits: 'pixels',
          opacity: opacity('grid'),
          beforeId: BELOW_LABELS,
        }),
      );
    }
  }

  if (on('components') && inputs.zoom >= inputs.componentsMinZoom) {
    const subclasses = COMPONENT_SUBCLASSES.map((subclass) => subclass.code);
    const filterCategories = indexesOf('components', subclasses);
    for (const loaded of inputs.chunks) {
      let data = geometry.componentData.get(loaded);
      if (!data) {
        data = componentLayerData(loaded);
        geometry.componentData.set(loaded, data);
      }
      layers.push(
        new ScatterplotLayer({
          id: `components-${loaded.entry.index}`,
          data,
          coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS,
          coordinateOrigin: [loaded.chunk.header.originLng, loaded.chunk.header.originLat, 0],
          radiusUnits: 'pixels',
          getRadius: 2.5,
          radiusMinPixels: 1.5,
          stroked: false,
          pickable: true,
          autoHighlight: true,
          highlightColor: [255, 255, 255, 255],
          extensions: [categoryFilter],
          filterCategories,
          opacity: opacity('components'),
          // Culling by the chunk's bounding box: a district view draws its own district's chunks, not the city's.
          // Hidden rather than removed, so panning back shows them without re-uploading their buffers.
          visible: intersects(loaded.entry.bbox, inputs.viewBounds),
          beforeId: BELOW_LABELS,
        }),
      );
    }
  }

  if (on('risk-zones')) {
    layers.push(
      new ScatterplotLayer<RiskSite, FilteredInterleaved<RiskSite>>({
        id: 'risk-zones',
        data: city.riskSites.sites,
        getPosition: (site) => site.position,
        getRadius: (site) => zoneRadiusM[site.grade],
        radiusUnits: 'meters',
        radiusMinPixels: 3,
        getFillColor: (site) => [...gradeColours[site.grade], 45],
        getLineColor: (site) => [...gradeColours[site.grade], 200],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
        extensions: [categoryFilter],
        getFilterCategory: (site) => site.grade,
        filterCategories: keys('risk-zones'),
        opacity: opacity('risk-zones'),
        beforeId: BELOW_LABELS,
      }),
    );
  }

  if (on('risk-sites')) {
    layers.push(
      new ScatterplotLayer<RiskSite, FilteredInterleaved<RiskSite>>({
        id: 'risk-sites',
        data: city.riskSites.sites,
        getPosition: (site) => site.position,
        getRadius: 5,
        radiusUnits: 'pixels',
        getFillColor: (site) => gradeColours[site.grade],
        getLineColor: [10, 16, 28],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
        pickable: true,
        extensions: [categoryFilter],
        getFilterCategory: (site) => site.type,
        filterCategories: keys('risk-sites'),
        opacity: opacity('risk-sites'),
      }),
    );
  }

  if (on('transfer-stations')) {
    layers.push(
      new ScatterplotLayer<TransferStation>({
        id: 'transfer-stations',
        data: city.fleet.transferStations,
        getPosition: (station) => station.position,
        getRadius: 6,
        radiusUnits: 'pixels',
        getFillColor: [139, 195, 74],
        getLineColor: [255, 255, 255],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 1.5,
        pickable: true,
        opacity: opacity('transfer-stations'),
      }),
    );
  }

  if (on('depots')) {
    layers.push(
      new ScatterplotLayer<Depot>({
        id: 'depots',
        data: city.fleet.depots,
        getPosition: (depot) => depot.position,
        getRadius: 5,
        radiusUnits: 'pixels',
        getFillColor: [158, 158, 158],
        pickable: false,
        opacity: opacity('depots'),
      }),
    );
  }

  if (on('vehicle-trails') && live.trails.count > 0) {
    const trails = live.trails;
    layers.push(
      new PathLayer({
        id: 'vehicle-trails',
        data: { length: trails.count, startIndices: trails.startIndices, attributes: { getPath: { value: trails.positions, size: 2 } } },
        _pathType: 'open',
        positionFormat: 'XY',
        ...offsets,
        getColor: inputs.theme === 'wall-dark' ? [255, 255, 255, 70] : [40, 60, 90, 90],
        getWidth: 1.5,
        widthUnits: 'pixels',
        extensions: [categoryFilter],
        getFilterCategory: (_: unknown, { index }: { index: number }) => geometry.vehicleTypes.value[index] ?? 0,
        filterCategories: indexesOf('vehicles', city.fleet.vehicleTypes.map((type) => type.key)),
        updateTriggers: { getFilterCategory: trails.version },
        opacity: opacity('vehicle-trails'),
      }),
    );
  }

  if (on('vehicles')) {
    const vehicles = live.vehicles;
    layers.push(
      new ScatterplotLayer({
        id: 'vehicles',
        // A new wrapper per tick around a new position buffer; colours and types are the same objects, so deck
        // re-uploads only the positions.
        data: { length: vehicles.count, attributes: { getPosition: { value: vehicles.positions, size: 2 }, getFillColor: geometry.vehicleColours, getFilterCategory: geometry.vehicleTypes } },
        ...offsets,
        getRadius: 4,
        radiusUnits: 'pixels',
        stroked: true,
        getLineColor: [10, 16, 28],
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
        pickable: true,
        extensions: [categoryFilter],
        filterCategories: indexesOf('vehicles', city.fleet.vehicleTypes.map((type) => type.key)),
        opacity: opacity('vehicles'),
      }),
    );
  }

  if (on('crews')) {
    const crews = live.crews;
    layers.push(
      new ScatterplotLayer({
        id: 'crews',
        data: { length: crews.count, attributes: { getPosition: { value: crews.positions, size: 2 }, getFillColor: geometry.crewColours, getFilterCategory: geometry.crewSpecialities } },
        ...offsets,
        getRadius: 6,
        radiusUnits: 'pixels',
        stroked: true,
        getLineColor: [255, 255, 255],
        lineWidthUnits: 'pixels',
        getLineWidth: 1.5,
        pickable: true,
        extensions: [categoryFilter],
        filterCategories: indexesOf('crews', city.crews.specialities.map((speciality) => speciality.key)),
        opacity: opacity('crews'),
      }),
    );
  }

  if (on('sensors')) {
    layers.push(
      new ScatterplotLayer<Sensor, FilteredInterleaved<Sensor>>({
        id: 'sensors',
        data: city.sensors.sensors,
        getPosition: (sensor) => sensor.position,
        getRadius: 4,
        radiusUnits: 'pixels',
        getFillColor: (_, { index }) => sensorStateColours[live.sensorState(index)],
        updateTriggers: { getFillColor: live.sensorVersion },
        pickable: true,
        extensions: [categoryFilter],
        getFilterCategory: (sensor) => sensor.kind,
        filterCategories: keys('sensors'),
        opacity: opacity('sensors'),
      }),
    );
    if (inputs.pulse !== null) {
      const alarms = live.alarmSensorIndexes().filter((index) => shown.get('sensors')?.has(city.sensors.sensors[index]?.kind ?? ''));
      layers.push(
        new ScatterplotLayer<number>({
          id: 'sensor-alarm-pulse',
          data: alarms,
          getPosition: (index) => city.sensors.sensors[index]?.position ?? [0, 0],
          getRadius: 6,
          radiusScale: 1 + 2.5 * inputs.pulse,
          radiusUnits: 'pixels',
          filled: false,
          stroked: true,
          getLineColor: [229, 50, 45, Math.round(255 * (1 - inputs.pulse))],
          lineWidthUnits: 'pixels',
          getLineWidth: 2,
          updateTriggers: { getLineColor: inputs.pulse },
        }),
      );
    }
  }

  if (on('cameras')) {
    layers.push(
      new ScatterplotLayer<CameraMarker>({
        id: 'cameras',
        data: inputs.cameras,
        getPosition: (camera) => camera.position,
        getRadius: 4,
        radiusUnits: 'pixels',
        getFillColor: [0, 229, 255],
        getLineColor: [10, 16, 28],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
        pickable: true,
        opacity: opacity('cameras'),
      }),
    );
  }

  if (on('incidents')) {
    const open = inputs.incidents.filter((incident) => incident.state !== 'closed');
    layers.push(
      new ScatterplotLayer<Incident, FilteredInterleaved<Incident>>({
        id: 'incidents',
        data: open,
        getPosition: (incident) => incident.position,
        getRadius: (incident) => (incident.id === inputs.focusedIncidentId ? 11 : 7),
        radiusUnits: 'pixels',
        getFillColor: (incident) => severityColours[incident.severity],
        // Drill incidents wear a violet ring so nobody mistakes them for live ones.
        getLineColor: (incident) => (incident.id === inputs.focusedIncidentId ? [255, 255, 255] : incident.drillId ? [179, 136, 255] : [10, 16, 28]),
        getLineWidth: (incident) => (incident.id === inputs.focusedIncidentId || incident.drillId ? 3 : 1),
        updateTriggers: { getRadius: inputs.focusedIncidentId, getLineColor: inputs.focusedIncidentId, getLineWidth: inputs.focusedIncidentId },
        stroked: true,
        lineWidthUnits: 'pixels',
        pickable: true,
        extensions: [categoryFilter],
        getFilterCategory: (incident) => incident.severity,
        filterCategories: keys('incidents'),
        opacity: opacity('incidents'),
      }),
    );
  }

  const selectedAt = selected ? positionOf(selected, inputs) : null;
  if (selectedAt) {
    layers.push(
      new ScatterplotLayer<[number, number]>({
        id: 'selection',
        data: [selectedAt],
        getPosition: (position) => position,
        getRadius: 13,
        radiusUnits: 'pixels',
        filled: false,
        stroked: true,
        getLineColor: [255, 255, 255],
        lineWidthUnits: 'pixels',
        getLineWidth: 3,
      }),
    );
  }
  return layers;
}

/** Where a picked object is now (vehicles and crews move), in WGS84; null when it is not (or no longer) there. */
export function positionOf(ref: MapObjectRef, inputs: Pick<MapLayerInputs, 'city' | 'chunks' | 'live' | 'incidents' | 'cameras'>): [number, number] | null {
  const { city, live } = inputs;
  const moving = (positions: Float32Array, index: number): [number, number] | null => {
    const lng = positions[index * 2];
    const lat = positions[index * 2 + 1];
    return lng === undefined || lat === undefined || Number.isNaN(lng) ? null : [live.origin[0] + lng, live.origin[1] + lat];
  };
  switch (ref.kind) {
    case 'component': {
      const loaded = inputs.chunks.find((candidate) => candidate.entry.index === ref.chunk);
      if (!loaded) return null;
      return [loaded.chunk.header.originLng + (loaded.chunk.lngOffset[ref.index] ?? 0), loaded.chunk.header.originLat + (loaded.chunk.latOffset[ref.index] ?? 0)];
    }
    case 'grid-cell': {
      const { corners, header } = city.grid;
      const base = ref.index * header.cornersPerCell * 2;
      let lng = 0;
      let lat = 0;
      for (let k = 0; k < header.cornersPerCell; k++) {
        lng += corners[base + k * 2] ?? 0;
        lat += corners[base + k * 2 + 1] ?? 0;
      }
      return [header.originLng + lng / header.cornersPerCell, header.originLat + lat / header.cornersPerCell];
    }
    case 'sensor':
      return city.sensors.sensors[ref.index]?.position ?? null;
    case 'risk-site':
      return city.riskSites.sites[ref.index]?.position ?? null;
    case 'camera':
      return inputs.cameras.find((camera) => camera.id === ref.id)?.position ?? null;
    case 'transfer-station':
      return city.fleet.transferStations[ref.index]?.position ?? null;
    case 'vehicle':
      return moving(live.vehicles.positions, ref.index);
    case 'crew':
      return moving(live.crews.positions, ref.index);
    case 'incident':
      return inputs.incidents.find((incident) => incident.id === ref.id)?.position ?? null;
  }
}

/** Turns a deck pick (layer id + index) into a reference to the object picked. */
export function refOfPick(layerId: string, index: number, object: unknown): MapObjectRef | null {
  if (index < 0) return null;
  if (layerId.startsWith('components-')) return { kind: 'component', chunk: Number(layerId.slice('components-'.length)), index };
  switch (layerId) {
    case 'grid-cells':
      return { kind: 'grid-cell', index };
    case 'sensors':
      return { kind: 'sensor', index };
    case 'risk-sites':
      return { kind: 'risk-site', index };
    case 'vehicles':
      return { kind: 'vehicle', index };
    case 'crews':
      return { kind: 'crew', index };
    case 'cameras': {
      const camera = object as CameraMarker | undefined;
      return camera ? { kind: 'camera', id: camera.id } : null;
    }
    case 'transfer-stations':
      return { kind: 'transfer-station', index };
    case 'incidents':
      return { kind: 'incident', id: (object as Incident).id };
    default:
      return null;
  }
}
