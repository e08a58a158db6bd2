import { COMPONENT_MAJOR_CLASSES, COMPONENT_SUBCLASSES } from '../../../shared/city/index.js';
import type { CityManifest, CrewsFile, FleetFile, RiskSitesFile, SensorsFile } from '../../../shared/city/index.js';
import { incidentSeverities, type RiskGrade } from '../../../shared/domain/feed.js';
import { translate } from '../../i18n/catalogue.js';
import type { MapLayersState } from '../../../shared/map/map-layers-state.js';

/**
 * The thematic layer catalogue: a tree of industry systems (行业系统) whose leaves are the layers an operator toggles.
 * It is built from the city's registers, so a city with more subclasses, sensor kinds or fleets gets more layers
 * without code. Each system is drawn by one family of map layers; a leaf narrows what that family shows (a component
 * subclass, a sensor kind ...), which the map applies as a filter rather than as a layer of its own.
 */
export const layerFamilies = [
  'districts',
  'rivers',
  'grid',
  'components',
  'risk-sites',
  'risk-zones',
  'sensors',
  'vehicles',
  'vehicle-trails',
  'transfer-stations',
  'depots',
  'crews',
  'incidents',
  'cameras',
] as const;
export type LayerFamily = (typeof layerFamilies)[number];

export type Rgb = readonly [number, number, number];

export interface CatalogueLayer {
  /** Stable across builds of the same city: `family` or `family:key`. */
  readonly id: string;
  readonly family: LayerFamily;
  /** What the leaf narrows its family to (a subclass code, a sensor kind ...); null when it is the whole family. */
  readonly key: string | null;
  readonly zh: string;
  readonly en: string;
  readonly colour: Rgb;
  /** How many objects the layer holds in this city, shown beside its name; null where that changes live or means nothing. */
  readonly count: number | null;
  readonly visibleByDefault: boolean;
}

export interface CatalogueGroup {
  readonly id: string;
  readonly zh: string;
  readonly en: string;
  readonly layers: readonly CatalogueLayer[];
}

export interface CatalogueSystem {
  readonly id: string;
  readonly zh: string;
  readonly en: string;
  readonly groups: readonly CatalogueGroup[];
}

export interface CatalogueInput {
  readonly manifest: CityManifest;
  readonly riskSites: RiskSitesFile;
  readonly sensors: SensorsFile;
  readonly fleet: FleetFile;
  readonly crews: CrewsFile;
  /** Components per subclass code, counted as the chunks load (absent until then). */
  readonly componentCounts: ReadonlyMap<string, number>;
  /** Cameras the map draws: the backend's catalogue once known (configured ones too); the city's count until then. */
  readonly cameraCount?: number;
}

export const gradeColours: Record<RiskGrade, Rgb> = {
  red: [229, 50, 45],
  orange: [240, 138, 36],
  yellow: [245, 196, 0],
  blue: [47, 126, 230],
};

export function majorClassColour(majorCode: string): Rgb {
  return majorClassColours[majorCode] ?? [200, 200, 200];
}

const majorClassColours: Record<string, Rgb> = {
  '01': [0, 188, 212],
  '02': [255, 193, 7],
  '03': [139, 195, 74],
  '04': [76, 175, 80],
  '05': [255, 112, 67],
  '06': [171, 71, 188],
};

const palette: readonly Rgb[] = [
  [0, 188, 212],
  [255, 193, 7],
  [139, 195, 74],
  [255, 112, 67],
  [171, 71, 188],
  [3, 169, 244],
  [205, 220, 57],
  [255, 87, 34],
];

export const severityColours: Record<(typeof incidentSeverities)[number], Rgb> = {
  minor: [47, 126, 230],
  major: [245, 196, 0],
  severe: [240, 138, 36],
  critical: [229, 50, 45],
};

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function leaf(family: LayerFamily, key: string | null, zh: string, en: string, colour: Rgb, count: number | null, visibleByDefault = true): CatalogueLayer {
  return { id: key === null ? family : `${family}:${key}`, family, key, zh, en, colour, count, visibleByDefault };
}

/** One layer per labelled key of a register (site types, sensor kinds …), coloured from the palette from `paletteStart`. */
function keyedLeaves(
  family: LayerFamily,
  entries: readonly { key: string; zh: string; en: string }[],
  counts: ReadonlyMap<string, number>,
  paletteStart: number,
): CatalogueLayer[] {
  return entries.map((entry, index) =>
    leaf(family, entry.key, entry.zh, entry.en, palette[(index + paletteStart) % palette.length] as Rgb, counts.get(entry.key) ?? 0),
  );
}

export function buildCatalogue(city: CatalogueInput): CatalogueSystem[] {
  const { manifest, riskSites, sensors, fleet, crews } = city;
  const risksByType = countBy(riskSites.sites, (site) => site.type);
  const sensorsByKind = countBy(sensors.sensors, (sensor) => sensor.kind);
  const vehiclesByType = countBy(fleet.vehicles, (vehicle) => vehicle.type);
  const crewsBySpeciality = countBy(crews.crews, (crew) => crew.speciality);
  return [
    {
      id: 'base',
      zh: '基础地理',
      en: 'Base geography',
      groups: [
        {
          id: 'base',
          zh: '行政区划与网格',
          en: 'Divisions and grid',
          layers: [
            leaf('districts', null, '区县界线', 'District boundaries', [120, 170, 220], manifest.counts.districts),
            leaf('rivers', null, '河流水系', 'Rivers', [64, 140, 220], null),
            leaf('grid', null, '单元网格', 'Unit grid cells', [90, 200, 250], manifest.grid.cellCount),
          ],
        },
      ],
    },
    {
      id: 'components',
      zh: '城市部件',
      en: 'City components',
      groups: COMPONENT_MAJOR_CLASSES.map((major) => ({
        id: `components-${major.code}`,
        zh: major.zh,
        en: major.en,
        layers: COMPONENT_SUBCLASSES.filter((subclass) => subclass.code.startsWith(major.code)).map((subclass) =>
          leaf('components', subclass.code, subclass.zh, subclass.en, majorClassColour(major.code), city.componentCounts.get(subclass.code) ?? 0),
        ),
      })),
    },
    {
      id: 'risk',
      zh: '风险源',
      en: 'Risk sources',
      groups: [
        {
          id: 'risk-sites',
          zh: '风险点位',
          en: 'Risk sites',
          layers: keyedLeaves('risk-sites', riskSites.types, risksByType, 0),
        },
        {
          id: 'risk-zones',
          zh: '风险区域（按等级）',
          en: 'Risk zones by grade',
          layers: riskSites.grades.map((grade) =>
            leaf('risk-zones', grade.key, grade.zh, grade.en, gradeColours[grade.key], riskSites.sites.filter((site) => site.grade === grade.key).length),
          ),
        },
      ],
    },
    {
      id: 'iot',
      zh: '物联感知',
      en: 'IoT sensing',
      groups: [
        {
          id: 'sensors',
          zh: '监测传感器',
          en: 'Sensors',
          layers: keyedLeaves('sensors', sensors.kinds, sensorsByKind, 0),
        },
      ],
    },
    {
      id: 'sanitation',
      zh: '环卫作业',
      en: 'Sanitation',
      groups: [
        {
          id: 'vehicles',
          zh: '作业车辆',
          en: 'Vehicles',
          layers: keyedLeaves('vehicles', fleet.vehicleTypes, vehiclesByType, 2),
        },
        {
          id: 'sanitation-sites',
          zh: '设施与轨迹',
          en: 'Facilities and trails',
          layers: [
            leaf('vehicle-trails', null, '车辆轨迹（近10分钟）', 'Vehicle trails (last 10 min)', [255, 255, 255], fleet.vehicles.length),
            leaf('transfer-stations', null, '垃圾转运站', 'Garbage transfer stations', [139, 195, 74], fleet.transferStations.length),
            leaf('depots', null, '车辆停保场', 'Vehicle depots', [158, 158, 158], fleet.depots.length, false),
          ],
        },
      ],
    },
    {
      id: 'forces',
      zh: '应急力量',
      en: 'Response forces',
      groups: [
        {
          id: 'crews',
          zh: '一线队伍',
          en: 'Frontline crews',
          layers: keyedLeaves('crews', crews.specialities, crewsBySpeciality, 5),
        },
      ],
    },
    {
      id: 'cases',
      zh: '事件与视频',
      en: 'Incidents and video',
      groups: [
        {
          id: 'incidents',
          zh: '事件（按等级）',
          en: 'Incidents by severity',
          layers: incidentSeverities.map((severity) => leaf('incidents', severity, translate('zh-CN', `severity.${severity}`), translate('en', `severity.${severity}`), severityColours[severity], null)),
        },
        {
          id: 'cameras',
          zh: '视频监控',
          en: 'Cameras',
          layers: [leaf('cameras', null, '视频点位', 'Camera positions', [0, 229, 255], city.cameraCount ?? manifest.counts.cameras)],
        },
      ],
    },
  ];
}

export function catalogueLayers(systems: readonly CatalogueSystem[]): CatalogueLayer[] {
  return systems.flatMap((system) => system.groups.flatMap((group) => group.layers));
}

/** The systems, groups and layers whose name (in either language), id or code contains `query`; empty query = all. */
export function searchCatalogue(systems: readonly CatalogueSystem[], query: string): CatalogueSystem[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return [...systems];
  const matches = (item: { id: string; zh: string; en: string }) =>
    item.zh.includes(needle) || item.en.toLowerCase().includes(needle) || item.id.toLowerCase().includes(needle);
  return systems.flatMap((system) => {
    if (matches(system)) return [system];
    const groups = system.groups.flatMap((group) => {
      if (matches(group)) return [group];
      const layers = group.layers.filter(matches);
      return layers.length > 0 ? [{ ...group, layers }] : [];
    });
    return groups.length > 0 ? [{ ...system, groups }] : [];
  });
}

export function isLayerVisible(state: MapLayersState, layer: CatalogueLayer): boolean {
  return state.visibility[layer.id] ?? layer.visibleByDefault;
}

export function withLayerVisible(state: MapLayersState, layers: readonly CatalogueLayer[], visible: boolean): MapLayersState {
  const changed = new Set(layers.map((layer) => layer.id));
  const kept = Object.entries(state.visibility).filter(([id]) => !changed.has(id));
  const overrides = layers.filter((layer) => visible !== layer.visibleByDefault).map((layer) => [layer.id, visible] as const);
  return { ...state, visibility: Object.fromEntries([...kept, ...overrides]) };
}

/**
 * The layers a scene names (families, or family:key), every other layer off; opacity and the grid measure stay as the
 * operator set them. Ids this catalogue does not know are ignored (a scene saved for a richer map still opens).
 */
export function layersForScene(systems: readonly CatalogueSystem[], sceneLayerIds: readonly string[], previous: MapLayersState): MapLayersState {
  const wanted = new Set(sceneLayerIds);
  const all = catalogueLayers(systems);
  const shown = all.filter((layer) => wanted.has(layer.id) || wanted.has(layer.family));
  const hidden = all.filter((layer) => !shown.includes(layer));
  return withLayerVisible(withLayerVisible({ ...previous, visibility: {} }, shown, true), hidden, false);
}

export function systemOpacity(state: MapLayersState, systemId: string): number {
  return state.opacity[systemId] ?? 1;
}

/** For each family, which of its keys are shown ('all' when the family has no keys and is on; an empty set = off). */
export function visibleKeysByFamily(systems: readonly CatalogueSystem[], state: MapLayersState): Map<LayerFamily, Set<string>> {
  const shown = new Map<LayerFamily, Set<string>>(layerFamilies.map((family) => [family, new Set<string>()]));
  for (const layer of catalogueLayers(systems)) {
    if (isLayerVisible(state, layer)) shown.get(layer.family)?.add(layer.key ?? 'all');
  }
  return shown;
}

/** Which system draws a family, for its opacity. */
export function systemOfFamily(systems: readonly CatalogueSystem[]): Map<LayerFamily, string> {
  const owner = new Map<LayerFamily, string>();
  for (const system of systems) for (const group of system.groups) for (const layer of group.layers) owner.set(layer.family, system.id);
  return owner;
}
