/**
 * Synthetic IoT sensors (about 5,000), each tied to a risk site or a garbage transfer station: structural monitoring
 * along the bridge decks, methane in septic tanks, water depth at waterlogging points, slope displacement, gas
 * concentration at fuel stations and gas facilities, and fill level at transfer stations. Thresholds follow common
 * practice for each kind (e.g. 25 / 50 %LEL for methane) and vary by up to 10% between sites, as calibrated devices do.
 */
import {
  CITY_FORMAT_VERSION,
  createRandom,
  deriveSeed,
  SensorsFileSchema,
  type FleetFile,
  type Random,
  type RiskSite,
  type RiskSitesFile,
  type Sensor,
  type SensorKind,
  type SensorsFile,
} from '../../src/shared/city/index.js';
import { type CityContext, offsetPoint } from './context.js';
import type { LngLat } from './geo.js';

interface KindRule {
  readonly key: SensorKind;
  readonly zh: string;
  readonly en: string;
  readonly unit: string;
  readonly normal: readonly [number, number];
  readonly warning: number;
  readonly alarm: number;
  readonly compare: Sensor['compare'];
  readonly samplePeriodS: number;
}

export const SENSOR_KINDS = [
  { key: 'bridge-strain', zh: '桥梁应变', en: 'Bridge strain', unit: 'με', normal: [-150, 150], warning: 300, alarm: 450, compare: 'absolute', samplePeriodS: 10 },
  { key: 'bridge-displacement', zh: '桥梁位移', en: 'Bridge displacement', unit: 'mm', normal: [-20, 20], warning: 60, alarm: 100, compare: 'absolute', samplePeriodS: 10 },
  { key: 'septic-methane', zh: '化粪池甲烷浓度', en: 'Septic-tank methane', unit: '%LEL', normal: [0, 10], warning: 25, alarm: 50, compare: 'above', samplePeriodS: 60 },
  { key: 'water-depth', zh: '积水深度', en: 'Water depth', unit: 'cm', normal: [0, 5], warning: 15, alarm: 30, compare: 'above', samplePeriodS: 60 },
  { key: 'slope-displacement', zh: '边坡位移', en: 'Slope displacement', unit: 'mm', normal: [0, 5], warning: 20, alarm: 50, compare: 'above', samplePeriodS: 300 },
  { key: 'gas-concentration', zh: '可燃气体浓度', en: 'Combustible gas', unit: '%LEL', normal: [0, 5], warning: 20, alarm: 40, compare: 'above', samplePeriodS: 30 },
  { key: 'station-load', zh: '转运站满载率', en: 'Transfer-station fill level', unit: '%', normal: [0, 80], warning: 90, alarm: 100, compare: 'above', samplePeriodS: 300 },
] as const satisfies readonly KindRule[];

const KIND = new Map<SensorKind, KindRule>(SENSOR_KINDS.map((k) => [k.key, k]));

/** How many sensors of which kind a site of each type carries: [kind, min, max]. */
const PER_SITE: Readonly<Record<RiskSite['type'], readonly (readonly [SensorKind, number, number])[]>> = {
  'cross-river-bridge': [
    ['bridge-strain', 18, 30],
    ['bridge-displacement', 8, 14],
  ],
  'septic-tank': [['septic-methane', 1, 1]],
  'waterlogging-point': [['water-depth', 1, 2]],
  slope: [['slope-displacement', 3, 5]],
  'gas-station': [['gas-concentration', 2, 4]],
  'gas-pipeline': [['gas-concentration', 2, 3]],
  'construction-site': [],
  'crowded-place': [],
};

function vary(random: Random, value: number): number {
  return Math.round(value * random.range(0.9, 1.1));
}

export function buildSensors(ctx: CityContext, sites: RiskSitesFile, fleet: FleetFile): SensorsFile {
  const random = createRandom(deriveSeed(ctx.seed, 'sensors'));
  const sensors: Sensor[] = [];
  const add = (kind: SensorKind, siteId: string, siteName: string, position: LngLat, districtAdcode: string, n: number): void => {
    const rule = KIND.get(kind);
    if (!rule) throw new Error(`unknown sensor kind ${kind}`);
    const warning = vary(random, rule.warning);
    sensors.push({
      id: `SN${String(sensors.length + 1).padStart(6, '0')}`,
      kind,
      name: `${siteName} ${rule.zh}${n}#`,
      siteId,
      position,
      districtAdcode,
      unit: rule.unit,
      normalRange: [rule.normal[0], rule.normal[1]],
      warning,
      alarm: Math.max(warning + 1, vary(random, rule.alarm)),
      compare: rule.compare,
      samplePeriodS: rule.samplePeriodS,
    });
  };

  for (const site of sites.sites) {
    for (const [kind, min, max] of PER_SITE[site.type]) {
      const count = min + random.int(max - min + 1);
      for (let n = 1; n <= count; n++) {
        // Bridge sensors are spread along the deck; others stand within a few tens of metres of the site.
        const position = site.span
          ? interpolate(site.span[0], site.span[1], (n - 0.5) / count)
          : offsetPoint(ctx, site.position, random.range(-30, 30), random.range(-30, 30));
        add(kind, site.id, site.name, position, site.districtAdcode, n);
      }
    }
  }
  for (const station of fleet.transferStations) {
    for (let n = 1; n <= 2; n++) {
      const position = offsetPoint(ctx, station.position, random.range(-15, 15), random.range(-15, 15));
      add('station-load', station.id, station.name, position, station.districtAdcode, n);
    }
  }
  return SensorsFileSchema.parse({
    formatVersion: CITY_FORMAT_VERSION,
    seed: ctx.seed,
    kinds: SENSOR_KINDS.map(({ key, zh, en, unit }) => ({ key, zh, en, unit })),
    sensors,
  });
}

function interpolate(a: LngLat, b: LngLat, t: number): LngLat {
  return [Math.round((a[0] + (b[0] - a[0]) * t) * 1e6) / 1e6, Math.round((a[1] + (b[1] - a[1]) * t) * 1e6) / 1e6];
}
