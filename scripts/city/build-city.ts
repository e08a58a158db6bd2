/**
 * The demo city build (`npm run build:data`): real boundaries, rivers and street names plus seeded synthetic layers,
 * written as WGS84 files under one folder with manifest.json last.
 *
 *   npx tsx scripts/city/build-city.ts [--out DIR] [--components N] [--seed S] [--if-needed]
 *
 * The same seed and component count give byte-identical output. --if-needed skips the build when the folder already
 * holds a complete build for the same request (manifest present, matching, every listed file the listed size).
 */
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CITY_FORMAT_VERSION,
  encodeGridCells,
  manifestMatches,
  type CityBuildRequest,
  type CityManifest,
  type GridCellsSidecar,
} from '../../src/shared/city/index.js';
import { buildCameras } from './cameras.js';
import { writeComponents } from './components.js';
import { createContext } from './context.js';
import { buildCrews } from './crews.js';
import { buildDistricts } from './districts.js';
import { buildFleet } from './fleet.js';
import { AreaIndex, bboxOfRings, LineIndex, PlaneFrame, roundBBoxOutward } from './geo.js';
import { buildGridGeometry, JIEFANGBEI } from './grid.js';
import { OutputDir } from './io.js';
import { buildManifest, MANIFEST_FILE, writeManifest } from './manifest.js';
import { loadRivers, waterLines } from './rivers.js';
import { buildSensors } from './sensors.js';
import { buildRiskSites } from './sites.js';
import { assignStreets, loadStreets } from './streets.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const DEFAULT_OUT_DIR = join(ROOT, 'resources/city/generated');
export const DEFAULT_COMPONENT_COUNT = 1_000_000;
export const DEFAULT_SEED = 20261127;
export const COMMITTED_RIVERS = join(ROOT, 'resources/city/rivers.geojson');

export interface BuildCityOptions extends Partial<CityBuildRequest> {
  readonly outDir?: string;
  /** Progress lines; silent when absent. */
  readonly log?: (line: string) => void;
}

/** Folders and files the build owns inside its output folder: removed before a build so nothing stale survives. */
const OWNED = [
  MANIFEST_FILE,
  'grid',
  'components',
  'districts.geojson',
  'outline.geojson',
  'rivers.geojson',
  'streets.json',
  'risk-sites.json',
  'sensors.json',
  'fleet.json',
  'crews.json',
  'cameras.json',
];

export async function buildCity(options: BuildCityOptions = {}): Promise<CityManifest> {
  const seed = options.seed ?? DEFAULT_SEED;
  const componentCount = options.componentCount ?? DEFAULT_COMPONENT_COUNT;
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be a 32-bit unsigned integer: ${seed}`);
  if (!Number.isInteger(componentCount) || componentCount < 0) throw new RangeError(`component count must be a whole number: ${componentCount}`);
  const log = options.log ?? ((): void => undefined);
  const started = Date.now();
  let lap = started;
  const step = (what: string): void => {
    const now = Date.now();
    log(`${what} (${now - lap} ms)`);
    lap = now;
  };

  // The manifest goes first, so an interrupted build is never mistaken for a finished one.
  await mkdir(outDir, { recursive: true });
  for (const name of OWNED) await rm(join(outDir, name), { recursive: true, force: true });
  const out = new OutputDir(outDir);

  const { districts, outline, areas, seats } = await buildDistricts();
  await out.writeJson('districts.geojson', districts, { synthetic: false, description: 'Districts and counties (区县), WGS84' });
  await out.writeJson('outline.geojson', outline, { synthetic: false, description: 'Municipal outline, WGS84' });
  step(`districts: ${districts.features.length}`);

  const rivers = await loadRivers(COMMITTED_RIVERS);
  await out.write('rivers.geojson', rivers.text, { synthetic: false, description: 'Rivers from GSHHG/WDBII, WGS84' });
  const frame = new PlaneFrame(JIEFANGBEI[0], JIEFANGBEI[1]);
  const water = waterLines(frame, rivers.lines, areas);
  const areaIndex = new AreaIndex(areas);
  step(`rivers: ${rivers.lines.length} lines`);

  const grid = buildGridGeometry({
    seed,
    districtAreas: areaIndex,
    districtAdcodes: districts.features.map((f) => f.properties.adcode),
    seats,
    water: new LineIndex(frame, water),
    frame,
  });
  const streets = assignStreets({ seed, districts, areaIndex, grid, streets: await loadStreets() });
  await out.writeJson('streets.json', streets.file, {
    synthetic: true,
    description: 'Streets/townships and communities (real codes and names) with synthetic anchor points',
  });
  await out.write('grid/cells.bin', new Uint8Array(encodeGridCells({ lng: JIEFANGBEI[0], lat: JIEFANGBEI[1] }, grid.cornersLngLat)), {
    synthetic: true,
    description: 'Synthetic unit grid cells (单元网格): quadrilateral corners, Float32 offsets from 解放碑',
  });
  const sidecar: GridCellsSidecar = {
    formatVersion: CITY_FORMAT_VERSION,
    seed,
    synthetic: true,
    cellCount: grid.cellCount,
    districts: districts.features.map((f) => f.properties.adcode),
    streets: [...streets.streetCodes],
    districtIndex: Array.from(grid.district),
    streetIndex: Array.from(streets.cellStreet),
    codes: [...streets.cellCodes],
    areaM2: Array.from(grid.areaM2, Math.round),
  };
  await out.writeJson('grid/cells.json', sidecar, { synthetic: true, description: 'Codes, districts and streets of the grid cells' });
  const areaKm2 = Math.round(grid.areaM2.reduce((a, b) => a + b, 0) / 1e4) / 100;
  step(`grid: ${grid.cellCount} cells, ${areaKm2} km2`);

  const chunks = await writeComponents({ seed, grid, districts, total: componentCount, out });
  step(`components: ${componentCount} in ${chunks.length} chunks`);

  const ctx = createContext({ seed, frame, districts, areaIndex, grid, streets, rivers: rivers.lines, water });
  const sites = buildRiskSites(ctx);
  const fleet = buildFleet(ctx);
  const sensors = buildSensors(ctx, sites, fleet);
  const crews = buildCrews(ctx);
  const cameras = buildCameras(ctx, sites);
  await out.writeJson('risk-sites.json', sites, {
    synthetic: true,
    description: 'Risk list: synthetic sites and grades; real bridges at approximate positions',
  });
  await out.writeJson('sensors.json', sensors, { synthetic: true, description: 'Synthetic IoT sensors with thresholds' });
  await out.writeJson('fleet.json', fleet, { synthetic: true, description: 'Synthetic sanitation vehicles, depots and transfer stations' });
  await out.writeJson('crews.json', crews, { synthetic: true, description: 'Synthetic frontline crews, call groups and roles' });
  await out.writeJson('cameras.json', cameras, { synthetic: true, description: 'Synthetic cameras with GB/T 28181 codes and stream names' });
  step(
    `layers: ${sites.sites.length} sites, ${sensors.sensors.length} sensors, ${fleet.vehicles.length} vehicles, ` +
      `${crews.crews.length} crews, ${cameras.cameras.length} cameras`,
  );

  const outlineGeometry = outline.features[0]?.geometry;
  if (!outlineGeometry) throw new Error('no outline');
  const manifest = buildManifest({
    seed,
    componentCount,
    bbox: roundBBoxOutward(bboxOfRings(outlineGeometry.type === 'Polygon' ? outlineGeometry.coordinates : outlineGeometry.coordinates.flat())),
    files: out.files,
    grid: { cellsPath: 'grid/cells.bin', sidecarPath: 'grid/cells.json', cellCount: grid.cellCount, areaKm2 },
    chunks,
    counts: {
      districts: districts.features.length,
      streets: streets.streetCodes.length,
      communities: streets.file.districts.reduce((n, d) => n + d.streets.reduce((m, s) => m + s.communities.length, 0), 0),
      gridCells: grid.cellCount,
      components: componentCount,
      riskSites: sites.sites.length,
      sensors: sensors.sensors.length,
      depots: fleet.depots.length,
      transferStations: fleet.transferStations.length,
      vehicles: fleet.vehicles.length,
      crews: crews.crews.length,
      cameras: cameras.cameras.length,
    },
  });
  await writeManifest(outDir, manifest);
  log(`city built in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${outDir}`);
  return manifest;
}

/** The manifest of a complete build for `request` in `outDir`, or null when it must be (re)built. */
export async function currentCity(outDir: string, request: CityBuildRequest): Promise<CityManifest | null> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(join(outDir, MANIFEST_FILE), 'utf8'));
  } catch {
    return null;
  }
  if (!manifestMatches(manifest, request)) return null;
  for (const file of manifest.files) {
    const size = await stat(join(outDir, file.path)).then((s) => s.size, () => -1);
    if (size !== file.bytes) return null;
  }
  return manifest;
}

function parseArgs(argv: readonly string[]): { outDir: string; seed: number; componentCount: number; ifNeeded: boolean } {
  const value = (flag: string): string | undefined => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const number = (flag: string, fallback: number): number => {
    const text = value(flag);
    if (text === undefined) return fallback;
    const parsed = Number(text.replaceAll('_', ''));
    if (!Number.isInteger(parsed)) throw new Error(`${flag} needs a whole number, got ${text}`);
    return parsed;
  };
  return {
    outDir: resolve(value('--out') ?? DEFAULT_OUT_DIR),
    seed: number('--seed', DEFAULT_SEED),
    componentCount: number('--components', DEFAULT_COMPONENT_COUNT),
    ifNeeded: argv.includes('--if-needed'),
  };
}

export async function main(argv: readonly string[]): Promise<void> {
  const { outDir, seed, componentCount, ifNeeded } = parseArgs(argv);
  if (ifNeeded && (await currentCity(outDir, { seed, componentCount }))) {
    console.log(`city data is current (${outDir})`);
    return;
  }
  await buildCity({ outDir, seed, componentCount, log: (line) => console.log(`city: ${line}`) });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
