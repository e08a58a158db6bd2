/** What the synthetic layers after the grid (sites, sensors, fleet, crews, cameras) need to know about the city. */
import type { DistrictsFile, Random } from '../../src/shared/city/index.js';
import { type AreaIndex, LineIndex, type LngLat, type PlaneFrame, round6 } from './geo.js';
import type { GridGeometry } from './grid.js';
import type { RiverLine } from './rivers.js';
import type { StreetAssignment } from './streets.js';

/** Distances to water are only needed up to here (m). */
const WATER_DISTANCE_CAP = 2000;

export interface CityContext {
  readonly seed: number;
  readonly frame: PlaneFrame;
  readonly districts: DistrictsFile;
  readonly areaIndex: AreaIndex;
  readonly grid: GridGeometry;
  readonly streets: StreetAssignment;
  /** GSHHG river lines with their names, as in rivers.geojson. */
  readonly rivers: readonly RiverLine[];
  /** Distance from each cell's centre to the nearest water line (m), capped at 2 km. */
  readonly waterDistance: Float32Array;
}

export function createContext(input: Omit<CityContext, 'waterDistance'> & { readonly water: readonly RiverLine[] }): CityContext {
  const { grid, frame } = input;
  const waterDistance = new Float32Array(grid.cellCount);
  const water = new LineIndex(frame, input.water);
  for (let i = 0; i < grid.cellCount; i++) {
    const centre: LngLat = [frame.lng(grid.centreX[i] as number), frame.lat(grid.centreY[i] as number)];
    waterDistance[i] = water.nearest(centre, WATER_DISTANCE_CAP)?.distance ?? WATER_DISTANCE_CAP;
  }
  const { water: _water, ...rest } = input;
  return { ...rest, waterDistance };
}

export function cellCentre(ctx: CityContext, cell: number): LngLat {
  return [round6(ctx.frame.lng(ctx.grid.centreX[cell] as number)), round6(ctx.frame.lat(ctx.grid.centreY[cell] as number))];
}

/** A point `distance` metres from a cell's centre in a random direction. */
export function nearCellCentre(ctx: CityContext, cell: number, random: Random, distance: number): LngLat {
  const angle = random.range(0, 2 * Math.PI);
  return [
    round6(ctx.frame.lng((ctx.grid.centreX[cell] as number) + Math.cos(angle) * distance)),
    round6(ctx.frame.lat((ctx.grid.centreY[cell] as number) + Math.sin(angle) * distance)),
  ];
}

export function offsetPoint(ctx: CityContext, p: LngLat, east: number, north: number): LngLat {
  return [round6(ctx.frame.lng(ctx.frame.x(p[0]) + east)), round6(ctx.frame.lat(ctx.frame.y(p[1]) + north))];
}

/** Draws cells with probability proportional to `weight(cell)` among cells [from, to). */
export function cellSampler(
  ctx: CityContext,
  weight: (cell: number) => number,
  from = 0,
  to: number = ctx.grid.cellCount,
): (random: Random) => number {
  const cumulative = new Float64Array(to - from);
  let sum = 0;
  for (let c = from; c < to; c++) {
    sum += Math.max(0, weight(c));
    cumulative[c - from] = sum;
  }
  if (sum <= 0) throw new Error('cell sampler with no weight');
  return (random) => {
    const target = random.next() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return from + lo;
  };
}

export function districtOfCell(ctx: CityContext, cell: number): DistrictsFile['features'][number] {
  const feature = ctx.districts.features[ctx.grid.district[cell] as number];
  if (!feature) throw new Error(`cell ${cell} has no district`);
  return feature;
}

export function streetOfCell(ctx: CityContext, cell: number): { code: string; name: string } {
  const index = ctx.streets.cellStreet[cell] as number;
  return { code: ctx.streets.streetCodes[index] ?? '', name: ctx.streets.streetNames[index] ?? '' };
}

/** Splits `total` over districts in proportion to their cell counts (cumulative rounding: sums exactly). */
export function shareByCells(ctx: CityContext, total: number, minimum = 0): number[] {
  const counts = ctx.districts.features.map((_, d) => (ctx.grid.districtStart[d + 1] as number) - (ctx.grid.districtStart[d] as number));
  const withCells = counts.filter((c) => c > 0).length;
  const spread = total - minimum * withCells;
  const sum = counts.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  let placed = 0;
  return counts.map((count) => {
    if (count === 0) return 0;
    cumulative += count;
    const upTo = Math.round((spread * cumulative) / sum);
    const share = upTo - placed;
    placed = upTo;
    return share + minimum;
  });
}
