import { beforeAll, describe, expect, it } from 'vitest';
import { DistrictsFileSchema, OutlineFileSchema } from '../../src/shared/city/index.js';
import { buildDistricts, decodeEchartsRing, type DistrictsResult } from './districts.js';
import { AreaIndex, bboxOfRings } from './geo.js';

/** Generous box around Chongqing municipality (WGS84). */
const CHONGQING = { west: 105.2, south: 28.1, east: 110.3, north: 32.3 };
/** The municipality's official land area, km2. */
const OFFICIAL_AREA_KM2 = 82_402;

let result: DistrictsResult;
beforeAll(async () => {
  result = await buildDistricts();
});

describe('echarts geo decoding', () => {
  it('undoes the zigzag delta encoding', () => {
    // 'B' = 66 -> 2 -> +1; 'A' = 65 -> 1 -> -1; deltas from the offset, in 1/scale units.
    expect(decodeEchartsRing('BABA', [10, 20], 1)).toEqual([
      [11, 19],
      [12, 18],
    ]);
    expect(decodeEchartsRing('@@', [2048, 1024], 1024)).toEqual([[2, 1]]);
  });
});

describe('districts', () => {
  it('has the 38 districts and counties plus 万盛经开区, valid against the schema', () => {
    expect(DistrictsFileSchema.safeParse(result.districts).success).toBe(true);
    const adcodes = result.districts.features.map((f) => f.properties.adcode);
    expect(adcodes).toHaveLength(39);
    expect(new Set(adcodes).size).toBe(39);
    const wansheng = result.districts.features.find((f) => f.properties.name === '万盛经开区');
    expect(wansheng?.properties).toMatchObject({ kind: 'economic-zone', statutoryAdcode: '500110', approximate: true });
  });

  it('carries the 2016 names: 梁平区 and 武隆区, no longer counties', () => {
    const byCode = new Map(result.districts.features.map((f) => [f.properties.adcode, f.properties]));
    expect(byCode.get('500155')).toMatchObject({ name: '梁平区', nameEn: 'Liangping District', kind: 'district' });
    expect(byCode.get('500156')).toMatchObject({ name: '武隆区', nameEn: 'Wulong District', kind: 'district' });
    expect(byCode.get('500230')).toMatchObject({ name: '丰都县', nameEn: 'Fengdu County', kind: 'county' });
    expect(byCode.get('500103')).toMatchObject({ name: '渝中区', nameEn: 'Yuzhong District' });
    expect(byCode.has('500228')).toBe(false);
    expect(byCode.has('500232')).toBe(false);
    expect([...byCode.values()].some((p) => p.name === '梁平县' || p.name === '武隆县')).toBe(false);
  });

  it('is WGS84 polygons inside Chongqing, closed, with 6 decimals at most', () => {
    const bad: string[] = [];
    for (const feature of result.districts.features) {
      const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
      for (const ring of polygons.flat()) {
        if (ring.length < 4 || ring[0]?.join() !== ring[ring.length - 1]?.join()) bad.push(`${feature.id}: open or short ring`);
        for (const [lng, lat] of ring) {
          const inside = lng > CHONGQING.west && lng < CHONGQING.east && lat > CHONGQING.south && lat < CHONGQING.north;
          const rounded = Math.round(lng * 1e6) / 1e6 === lng && Math.round(lat * 1e6) / 1e6 === lat;
          if (!inside || !rounded) bad.push(`${feature.id}: ${lng},${lat}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('adds up to the official area and puts each label inside its own district', () => {
    const total = result.districts.features.reduce((sum, f) => sum + f.properties.areaKm2, 0);
    expect(Math.abs(total - OFFICIAL_AREA_KM2) / OFFICIAL_AREA_KM2).toBeLessThan(0.01);
    const index = new AreaIndex(result.areas);
    result.districts.features.forEach((f, i) => {
      expect(index.locate(f.properties.labelPoint[0], f.properties.labelPoint[1])).toBe(i);
    });
  });

  it('dissolves into one outline with the same extent, and knows every seat', () => {
    expect(OutlineFileSchema.safeParse(result.outline).success).toBe(true);
    const outline = result.outline.features[0]?.geometry;
    const rings = outline?.type === 'Polygon' ? outline.coordinates : (outline?.coordinates.flat() ?? []);
    const districtRings = result.areas.flatMap((polygons) => polygons.flat());
    expect(bboxOfRings(rings)).toEqual(bboxOfRings(districtRings));
    const index = new AreaIndex(result.areas);
    result.districts.features.forEach((f, i) => {
      const seat = result.seats.get(f.properties.adcode);
      expect(seat).toBeDefined();
      if (seat) expect(index.locate(seat[0], seat[1])).toBe(i);
    });
  });
});
