import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPONENT_SUBCLASSES, type DistrictsFile } from '../../src/shared/city/index.js';
import { cellQuotas, planChunks, writeComponents } from './components.js';
import { PlaneFrame } from './geo.js';
import type { GridGeometry } from './grid.js';
import { OutputDir } from './io.js';
import { placeInCell, readChunk } from './test-helpers.js';

/** A 20 x 20 block of 100 m cells around 解放碑, the west half in one district and the east half in another. */
function squareGrid(): GridGeometry {
  const frame = new PlaneFrame(106.5772, 29.5576);
  const side = 20;
  const count = side * side;
  const cornersXY = new Float64Array(count * 8);
  const cornersLngLat = new Float64Array(count * 8);
  const district = new Uint16Array(count);
  let cell = 0;
  for (const half of [0, 1]) {
    for (let row = 0; row < side; row++) {
      for (let col = half * 10; col < half * 10 + 10; col++) {
        const corners = [col, row, col + 1, row, col + 1, row + 1, col, row + 1].map((v) => v * 100);
        corners.forEach((v, k) => {
          cornersXY[cell * 8 + k] = v;
          cornersLngLat[cell * 8 + k] = k % 2 === 0 ? frame.lng(v) : frame.lat(v);
        });
        district[cell] = half;
        cell++;
      }
    }
  }
  return {
    frame,
    cellCount: count,
    cornersXY,
    cornersLngLat,
    district,
    areaM2: new Float64Array(count).fill(10_000),
    size: new Float32Array(count).fill(100),
    centreX: Float64Array.from({ length: count }, (_, c) => ((cornersXY[c * 8] ?? 0) + (cornersXY[c * 8 + 4] ?? 0)) / 2),
    centreY: Float64Array.from({ length: count }, (_, c) => ((cornersXY[c * 8 + 1] ?? 0) + (cornersXY[c * 8 + 5] ?? 0)) / 2),
    districtStart: Uint32Array.from([0, count / 2, count]),
  };
}

function district(adcode: string): DistrictsFile['features'][number] {
  return {
    type: 'Feature',
    id: adcode,
    properties: {
      adcode,
      statutoryAdcode: adcode,
      name: adcode,
      nameEn: adcode,
      kind: 'district',
      labelPoint: [106.5, 29.5],
      areaKm2: 1,
      approximate: false,
    },
    geometry: { type: 'Polygon', coordinates: [[[106, 29], [107, 29], [107, 30], [106, 29]]] },
  };
}

describe('components', () => {
  const grid = squareGrid();
  const districts: DistrictsFile = { type: 'FeatureCollection', features: [district('500103'), district('500105')] };
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zhili-components-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('shares the total exactly over the cells, in proportion to their perimeters', () => {
    const quotas = cellQuotas(grid, 12_345);
    expect(quotas.reduce((a, b) => a + b, 0)).toBe(12_345);
    expect(Math.max(...quotas) - Math.min(...quotas)).toBeLessThanOrEqual(1);
  });

  it('cuts chunks within one district and never above the cap', () => {
    const quotas = cellQuotas(grid, 50_000);
    const plans = planChunks(grid, quotas, 4_000);
    expect(plans.reduce((n, p) => n + p.count, 0)).toBe(50_000);
    for (const plan of plans) {
      expect(plan.count).toBeLessThanOrEqual(4_000);
      const districtsInChunk = new Set(Array.from(grid.district.subarray(plan.firstCell, plan.firstCell + plan.cellCount)));
      expect([...districtsInChunk]).toEqual([plan.districtIndex]);
    }
  });

  it('writes chunks whose components stand inside their cells, near the edges', async () => {
    const out = new OutputDir(dir);
    const entries = await writeComponents({ seed: 1, grid, districts, total: 30_000, out, cap: 5_000 });
    expect(entries.reduce((n, e) => n + e.count, 0)).toBe(30_000);
    const sequences = new Map<string, Set<number>>();
    for (const entry of entries) {
      expect(entry.count).toBeLessThanOrEqual(5_000);
      const chunk = await readChunk(dir, entry.path);
      expect(chunk.header.count).toBe(entry.count);
      for (let i = 0; i < chunk.header.count; i++) {
        const place = placeInCell(chunk, i, grid.cornersLngLat);
        expect(place.outside).toBeLessThan(0.01);
        // Tracks run at most 25 m inside an edge (the test's metres differ from the build's plane by ~0.1%).
        expect(place.fromEdge).toBeLessThan(25.1);
        expect(chunk.subclass[i]).toBeLessThan(COMPONENT_SUBCLASSES.length);
        const key = `${entry.codeAdcode}/${chunk.subclass[i]}`;
        const seen = sequences.get(key) ?? new Set<number>();
        expect(seen.has(chunk.sequence[i] ?? 0)).toBe(false);
        seen.add(chunk.sequence[i] ?? 0);
        sequences.set(key, seen);
      }
    }
  });
});
