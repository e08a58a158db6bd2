/**
 * Synthetic unit grid cells (单元网格): quadrilaterals over a modelled urban area of about 1,659 km2 (the city's own
 * figure for its digital city management), about 64,500 of them.
 *
 * The urban area is a union of irregular blobs: overlapping ones for the main city around 解放碑 (positions of its real
 * sub-centres, approximate) and one at the seat of each other district and county, sized by a rough estimate of each
 * town's built-up area. Each blob group is tiled by a quadtree whose leaf size grows with the distance from its centre
 * (50 m squares at 解放碑, 100 m in the inner city, 200 m beyond; 150 m and 300 m in the county towns); some sibling
 * squares merge into 2:1 rectangles, and a smooth displacement field bends all corners by a few metres, so cells look
 * drawn rather than gridded while neighbours still share corners. A cell is kept only when its corners, edge midpoints
 * and centre all lie in one district and off the water (see rivers.ts); a cell that fails is split once or twice and
 * its parts tried again, so cells hug district boundaries and river banks.
 */
import { createRandom, deriveSeed, type Random } from '../../src/shared/city/index.js';
import type { AreaIndex, LineIndex, LngLat, PlaneFrame } from './geo.js';

/** 解放碑 (WGS84): origin of the plane and centre of the density. */
export const JIEFANGBEI: LngLat = [106.5772, 29.5576];

/** Main-city sub-centres (positions approximate, WGS84) and blob radii in km. */
const MAIN_CITY_CENTRES: readonly { name: string; at: LngLat; radiusKm: number }[] = [
  { name: '解放碑', at: JIEFANGBEI, radiusKm: 4.5 },
  { name: '观音桥', at: [106.532, 29.583], radiusKm: 4.5 },
  { name: '南坪', at: [106.567, 29.527], radiusKm: 4.5 },
  { name: '杨家坪', at: [106.508, 29.515], radiusKm: 4.5 },
  { name: '石桥铺', at: [106.48, 29.54], radiusKm: 3.5 },
  { name: '沙坪坝', at: [106.455, 29.56], radiusKm: 4 },
  { name: '大渡口', at: [106.485, 29.48], radiusKm: 3.5 },
  { name: '李家沱', at: [106.535, 29.458], radiusKm: 3 },
  { name: '鱼洞', at: [106.52, 29.385], radiusKm: 3.5 },
  { name: '新牌坊', at: [106.545, 29.615], radiusKm: 4 },
  { name: '大竹林', at: [106.51, 29.64], radiusKm: 3 },
  { name: '礼嘉', at: [106.53, 29.675], radiusKm: 3.5 },
  { name: '悦来', at: [106.5, 29.705], radiusKm: 3 },
  { name: '两路', at: [106.63, 29.715], radiusKm: 4.5 },
  { name: '空港', at: [106.66, 29.75], radiusKm: 3 },
  { name: '唐家沱', at: [106.65, 29.62], radiusKm: 3 },
  { name: '茶园', at: [106.65, 29.5], radiusKm: 4 },
  { name: '界石', at: [106.62, 29.4], radiusKm: 2.5 },
  { name: '大学城', at: [106.31, 29.605], radiusKm: 4.5 },
  { name: '西永', at: [106.35, 29.58], radiusKm: 3 },
  { name: '陈家桥', at: [106.33, 29.64], radiusKm: 2.5 },
  { name: '白市驿', at: [106.37, 29.49], radiusKm: 3 },
  { name: '西彭', at: [106.33, 29.38], radiusKm: 3 },
  { name: '蔡家', at: [106.47, 29.735], radiusKm: 3 },
  { name: '北碚', at: [106.43, 29.815], radiusKm: 4 },
  { name: '水土', at: [106.5, 29.77], radiusKm: 2.5 },
  { name: '鱼嘴', at: [106.79, 29.66], radiusKm: 3.5 },
];

/**
 * Rough built-up area (km2) of the town at each district's seat. The nine main-city districts (渝中, 大渡口, 江北, 沙坪坝,
 * 九龙坡, 南岸, 北碚, 渝北, 巴南) have no entry: the main-city blobs cover them.
 */
const TOWN_AREA_KM2: Readonly<Record<string, number>> = {
  '500101': 75, '500102': 62, '500116': 62, '500117': 58, '500118': 62,
  '500115': 42, '500120': 45, '500111': 38, '500110': 36, '500154': 42, '500151': 34, '500153': 34, '500119': 30,
  '500152': 30, '500155': 26, '500231': 25, '500233': 22, '500235': 24, '500114': 26, '500230': 18, '500190': 22,
  '500236': 16, '500156': 12, '500240': 12, '500241': 15, '500242': 11, '500243': 11, '500237': 10, '500238': 7,
  '500229': 6,
};

/** Scales the town estimates so that, after clipping to districts and water, the total is about 1,659 km2. */
const TOWN_AREA_CALIBRATION = 0.95;

const MAIN_LEAF_BANDS: readonly { withinM: number; size: number }[] = [
  { withinM: 1200, size: 50 },
  { withinM: 13500, size: 100 },
  { withinM: Infinity, size: 200 },
];
const MAIN_ROOT = 3200;
const MAIN_MIN = 50;
const TOWN_ROOT = 2400;
const TOWN_INNER = 150;
const TOWN_OUTER = 300;
const TOWN_MIN = 75;
/** Share of the town blob's radius tiled with the smaller cells. */
const TOWN_INNER_SHARE = 0.65;
const MERGE_CHANCE = 0.3;
/** Corner displacement amplitude (m) and wavelengths (m) of the smooth bending field. */
const WARP_AMPLITUDE = 6;
const WARP_WAVELENGTHS = [530, 910, 1370] as const;

interface Blob {
  readonly group: number;
  readonly x: number;
  readonly y: number;
  readonly radius: number;
  readonly reach: number;
  readonly harmonics: readonly (readonly [amplitude: number, phase: number])[];
}

interface Group {
  readonly x: number;
  readonly y: number;
  readonly root: number;
  readonly min: number;
  readonly leafSize: (distance: number, angle: number) => number;
}

export interface GridGeometry {
  readonly frame: PlaneFrame;
  readonly cellCount: number;
  /** Per cell: 4 corners (SW, SE, NE, NW before bending) as x, y in the plane, metres. */
  readonly cornersXY: Float64Array;
  /** The same corners as WGS84 lng, lat. */
  readonly cornersLngLat: Float64Array;
  /** Index into districts.features. */
  readonly district: Uint16Array;
  readonly areaM2: Float64Array;
  /** Nominal cell size (m) before bending: 50 ... 300. */
  readonly size: Float32Array;
  /** Cell centres (mean of the corners) in the plane, metres. */
  readonly centreX: Float64Array;
  readonly centreY: Float64Array;
  /** Cells are ordered by district: those of district d are [districtStart[d], districtStart[d + 1]). */
  readonly districtStart: Uint32Array;
}

function blobRadius(blob: Blob, angle: number): number {
  let scale = 1;
  for (let k = 0; k < blob.harmonics.length; k++) {
    const [amplitude, phase] = blob.harmonics[k] as readonly [number, number];
    scale += amplitude * Math.sin((k + 2) * angle + phase);
  }
  return blob.radius * scale;
}

function makeHarmonics(random: Random): [number, number][] {
  return [0.14, 0.1, 0.07].map((max) => [random.range(0.3, 1) * max, random.range(0, 2 * Math.PI)]);
}

export interface GridInput {
  readonly seed: number;
  readonly districtAreas: AreaIndex;
  readonly districtAdcodes: readonly string[];
  readonly seats: ReadonlyMap<string, LngLat>;
  readonly water: LineIndex;
  readonly frame: PlaneFrame;
}

export function buildGridGeometry(input: GridInput): GridGeometry {
  const { frame, seed } = input;
  const random = createRandom(deriveSeed(seed, 'grid-blobs'));
  const groups: Group[] = [];
  const blobs: Blob[] = [];

  const mainPhase = random.range(0, 2 * Math.PI);
  groups.push({
    x: 0,
    y: 0,
    root: MAIN_ROOT,
    min: MAIN_MIN,
    leafSize: (distance, angle) => {
      const d = distance * (1 + 0.18 * Math.sin(3 * angle + mainPhase));
      return (MAIN_LEAF_BANDS.find((band) => d <= band.withinM) ?? { size: 200 }).size;
    },
  });
  for (const centre of MAIN_CITY_CENTRES) {
    const radius = centre.radiusKm * 1000;
    blobs.push({
      group: 0,
      x: frame.x(centre.at[0]),
      y: frame.y(centre.at[1]),
      radius,
      reach: radius * 1.35,
      harmonics: makeHarmonics(random),
    });
  }
  for (const adcode of input.districtAdcodes) {
    const area = TOWN_AREA_KM2[adcode];
    if (area === undefined) continue;
    const seat = input.seats.get(adcode);
    if (!seat) throw new Error(`no seat for district ${adcode}`);
    const harmonics = makeHarmonics(random);
    const shapeGain = 1 + harmonics.reduce((sum, [a]) => sum + (a * a) / 2, 0);
    const radius = Math.sqrt((area * TOWN_AREA_CALIBRATION * 1e6) / (Math.PI * shapeGain));
    const x = frame.x(seat[0]);
    const y = frame.y(seat[1]);
    const phase = random.range(0, 2 * Math.PI);
    groups.push({
      x,
      y,
      root: TOWN_ROOT,
      min: TOWN_MIN,
      leafSize: (distance, angle) =>
        distance * (1 + 0.2 * Math.sin(2 * angle + phase)) <= radius * TOWN_INNER_SHARE ? TOWN_INNER : TOWN_OUTER,
    });
    blobs.push({ group: groups.length - 1, x, y, radius, reach: radius * 1.35, harmonics });
  }

  const warpPhases = Array.from({ length: 6 }, () => random.range(0, 2 * Math.PI));
  const [w1, w2, w3] = WARP_WAVELENGTHS;
  const [p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0] = warpPhases;
  const wave = (v: number, wavelength: number, phase: number): number => (2 * Math.PI * v) / wavelength + phase;
  const warpX = (x: number, y: number): number =>
    x + WARP_AMPLITUDE * (Math.sin(wave(x, w1, p0)) * Math.cos(wave(y, w2, p1)) + 0.5 * Math.sin(wave(x + y, w3, p2)));
  const warpY = (x: number, y: number): number =>
    y + WARP_AMPLITUDE * (Math.cos(wave(x, w2, p3)) * Math.sin(wave(y, w1, p4)) + 0.5 * Math.sin(wave(x - y, w3, p5)));

  /** Group whose blob most clearly contains the point, or -1. */
  const groupAt = (x: number, y: number): number => {
    let best = -1;
    let bestRatio = 1;
    for (const blob of blobs) {
      const dx = x - blob.x;
      const dy = y - blob.y;
      if (Math.abs(dx) > blob.reach || Math.abs(dy) > blob.reach) continue;
      const ratio = Math.hypot(dx, dy) / blobRadius(blob, Math.atan2(dy, dx));
      if (ratio < bestRatio) {
        bestRatio = ratio;
        best = blob.group;
      }
    }
    return best;
  };

  const corners: number[] = [];
  const districts: number[] = [];
  const sizes: number[] = [];

  /**
   * District of the rectangle if every probe point (bent) lies in that district, off the water and in no other group's
   * blob (points outside every blob are fine: that is the ragged edge of town), else -1.
   */
  const checkRect = (group: number, x0: number, y0: number, x1: number, y1: number): number => {
    const xm = (x0 + x1) / 2;
    const ym = (y0 + y1) / 2;
    const probes = [x0, y0, x1, y0, x1, y1, x0, y1, xm, y0, x1, ym, xm, y1, x0, ym, xm, ym];
    let district = -2;
    for (let i = 0; i < probes.length; i += 2) {
      const rx = probes[i] as number;
      const ry = probes[i + 1] as number;
      const owner = groupAt(rx, ry);
      if (owner !== group && owner !== -1) return -1;
      const x = warpX(rx, ry);
      const y = warpY(rx, ry);
      if (input.water.coversXY(x, y)) return -1;
      const here = input.districtAreas.locate(frame.lng(x), frame.lat(y));
      if (here < 0 || (district !== -2 && here !== district)) return -1;
      district = here;
    }
    return district;
  };

  const emit = (district: number, x0: number, y0: number, x1: number, y1: number, size: number): void => {
    for (const [x, y] of [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
    ] as const) {
      corners.push(warpX(x, y), warpY(x, y));
    }
    districts.push(district);
    sizes.push(size);
  };

  /** A square whose centre is in the group: kept if valid, else split (down to the group's minimum) and retried. */
  const placeLeaf = (group: number, x0: number, y0: number, size: number, knownDistrict?: number): void => {
    if (groupAt(x0 + size / 2, y0 + size / 2) !== group) return;
    const district = knownDistrict ?? checkRect(group, x0, y0, x0 + size, y0 + size);
    if (district >= 0) {
      emit(district, x0, y0, x0 + size, y0 + size, size);
      return;
    }
    const half = size / 2;
    if (half < (groups[group] as Group).min) return;
    for (const [dx, dy] of QUADRANTS) placeLeaf(group, x0 + dx * half, y0 + dy * half, half);
  };

  const visit = (group: number, x0: number, y0: number, size: number): void => {
    const g = groups[group] as Group;
    const touchesBlob = blobs.some(
      (b) =>
        b.group === group &&
        x0 < b.x + b.reach &&
        x0 + size > b.x - b.reach &&
        y0 < b.y + b.reach &&
        y0 + size > b.y - b.reach,
    );
    if (!touchesBlob) return;
    const cx = x0 + size / 2 - g.x;
    const cy = y0 + size / 2 - g.y;
    const leaf = g.leafSize(Math.hypot(cx, cy), Math.atan2(cy, cx));
    const half = size / 2;
    if (size > 2 * leaf) {
      for (const [dx, dy] of QUADRANTS) visit(group, x0 + dx * half, y0 + dy * half, half);
    } else if (size > leaf) {
      // The children are leaves: sometimes two pairs of siblings join into 2:1 rectangles.
      const childDistricts = QUADRANTS.map(([dx, dy]) => {
        const cx0 = x0 + dx * half;
        const cy0 = y0 + dy * half;
        return groupAt(cx0 + half / 2, cy0 + half / 2) === group ? checkRect(group, cx0, cy0, cx0 + half, cy0 + half) : -1;
      });
      const [sw = -1, se, nw, ne] = childDistricts;
      const pairs = createRandom(deriveSeed(seed, 'merge', Math.round(x0), Math.round(y0)));
      if (sw >= 0 && sw === se && sw === nw && sw === ne && pairs.chance(MERGE_CHANCE)) {
        if (pairs.chance(0.5)) {
          emit(sw, x0, y0, x0 + size, y0 + half, half);
          emit(sw, x0, y0 + half, x0 + size, y0 + size, half);
        } else {
          emit(sw, x0, y0, x0 + half, y0 + size, half);
          emit(sw, x0 + half, y0, x0 + size, y0 + size, half);
        }
        return;
      }
      QUADRANTS.forEach(([dx, dy], k) => placeLeaf(group, x0 + dx * half, y0 + dy * half, half, childDistricts[k]));
    } else {
      placeLeaf(group, x0, y0, size);
    }
  };

  groups.forEach((g, group) => {
    const own = blobs.filter((b) => b.group === group);
    const minX = Math.min(...own.map((b) => b.x - b.reach));
    const maxX = Math.max(...own.map((b) => b.x + b.reach));
    const minY = Math.min(...own.map((b) => b.y - b.reach));
    const maxY = Math.max(...own.map((b) => b.y + b.reach));
    // Roots are aligned to the plane's origin so the main city's squares meet at 解放碑.
    for (let rx = Math.floor(minX / g.root); rx * g.root < maxX; rx++) {
      for (let ry = Math.floor(minY / g.root); ry * g.root < maxY; ry++) visit(group, rx * g.root, ry * g.root, g.root);
    }
  });

  return orderCells(frame, input.districtAdcodes.length, corners, districts, sizes);
}

/** SW, SE, NW, NE as (dx, dy) multiples of the child size. */
const QUADRANTS: readonly (readonly [number, number])[] = [
  [0, 0],
  [1, 0],
  [0, 1],
  [1, 1],
];

/** Interleaves the bits of two 15-bit numbers: cells that are close in the plane get close indices. */
function morton(ix: number, iy: number): number {
  let code = 0;
  for (let bit = 0; bit < 15; bit++) {
    code += ((ix >> bit) & 1) * 2 ** (2 * bit) + ((iy >> bit) & 1) * 2 ** (2 * bit + 1);
  }
  return code;
}

/** Orders cells by district, then along a Z-order curve, so each district's cells form one spatially coherent run. */
function orderCells(
  frame: PlaneFrame,
  districtCount: number,
  corners: readonly number[],
  districts: readonly number[],
  sizes: readonly number[],
): GridGeometry {
  const count = districts.length;
  const keys = Array.from({ length: count }, (_, i) => {
    let x = 0;
    let y = 0;
    for (let k = 0; k < 4; k++) {
      x += (corners[i * 8 + k * 2] as number) / 4;
      y += (corners[i * 8 + k * 2 + 1] as number) / 4;
    }
    const ix = Math.max(0, Math.min(32767, Math.floor((x + 409_600) / 25)));
    const iy = Math.max(0, Math.min(32767, Math.floor((y + 409_600) / 25)));
    return { i, x, y, district: districts[i] as number, z: morton(ix, iy) };
  });
  keys.sort((a, b) => a.district - b.district || a.z - b.z || a.i - b.i);

  const cornersXY = new Float64Array(count * 8);
  const cornersLngLat = new Float64Array(count * 8);
  const district = new Uint16Array(count);
  const areaM2 = new Float64Array(count);
  const size = new Float32Array(count);
  const centreX = new Float64Array(count);
  const centreY = new Float64Array(count);
  keys.forEach((key, to) => {
    centreX[to] = key.x;
    centreY[to] = key.y;
    let twiceArea = 0;
    for (let k = 0; k < 4; k++) {
      const x = corners[key.i * 8 + k * 2] as number;
      const y = corners[key.i * 8 + k * 2 + 1] as number;
      const nx = corners[key.i * 8 + ((k + 1) % 4) * 2] as number;
      const ny = corners[key.i * 8 + ((k + 1) % 4) * 2 + 1] as number;
      twiceArea += x * ny - nx * y;
      cornersXY[to * 8 + k * 2] = x;
      cornersXY[to * 8 + k * 2 + 1] = y;
      cornersLngLat[to * 8 + k * 2] = frame.lng(x);
      cornersLngLat[to * 8 + k * 2 + 1] = frame.lat(y);
    }
    district[to] = key.district;
    areaM2[to] = twiceArea / 2;
    size[to] = sizes[key.i] as number;
  });
  const districtStart = new Uint32Array(districtCount + 1);
  for (let d = 0, cell = 0; d <= districtCount; d++) {
    while (cell < count && (district[cell] as number) < d) cell++;
    districtStart[d] = cell;
  }
  return { frame, cellCount: count, cornersXY, cornersLngLat, district, areaM2, size, centreX, centreY, districtStart };
}
