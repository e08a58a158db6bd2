/** Small planar geometry for the city build: everything is WGS84 degrees, measured in a local equirectangular plane. */
import type { LngLat } from '../../src/shared/domain/geo.js';
import type { BBox } from '../../src/shared/city/index.js';

export type { LngLat };
export type Ring = LngLat[];
export type PolygonCoords = Ring[];
export type MultiPolygonCoords = PolygonCoords[];

const METRES_PER_DEGREE_LAT = (Math.PI * 6_371_008.8) / 180;

/**
 * Equirectangular plane centred on an origin. Over Chongqing (within about 3.5 degrees of 解放碑) the east-west scale
 * drifts by at most 3%, which is irrelevant for synthetic cells and spacing.
 */
export class PlaneFrame {
  readonly metresPerDegreeLng: number;
  readonly metresPerDegreeLat = METRES_PER_DEGREE_LAT;

  constructor(
    readonly originLng: number,
    readonly originLat: number,
  ) {
    this.metresPerDegreeLng = METRES_PER_DEGREE_LAT * Math.cos((originLat * Math.PI) / 180);
  }

  x(lng: number): number {
    return (lng - this.originLng) * this.metresPerDegreeLng;
  }

  y(lat: number): number {
    return (lat - this.originLat) * this.metresPerDegreeLat;
  }

  lng(x: number): number {
    return this.originLng + x / this.metresPerDegreeLng;
  }

  lat(y: number): number {
    return this.originLat + y / this.metresPerDegreeLat;
  }
}

/** Distance in metres, equirectangular at the pair's mean latitude (good to well under 1% at city scale). */
export function metresBetween(a: LngLat, b: LngLat): number {
  const k = Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  return Math.hypot((a[0] - b[0]) * k, a[1] - b[1]) * METRES_PER_DEGREE_LAT;
}

export function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export function roundLngLat(p: LngLat): LngLat {
  return [round6(p[0]), round6(p[1])];
}

export function emptyBBox(): BBox {
  return [Infinity, Infinity, -Infinity, -Infinity];
}

export function extendBBox(box: BBox, lng: number, lat: number): void {
  if (lng < box[0]) box[0] = lng;
  if (lat < box[1]) box[1] = lat;
  if (lng > box[2]) box[2] = lng;
  if (lat > box[3]) box[3] = lat;
}

export function bboxOfRings(rings: Iterable<Ring>): BBox {
  const box = emptyBBox();
  for (const ring of rings) for (const [lng, lat] of ring) extendBBox(box, lng, lat);
  return box;
}

/** Rounds to 6 decimals away from the box's inside, so it still contains every point. */
export function roundBBoxOutward(box: BBox): BBox {
  return [Math.floor(box[0] * 1e6) / 1e6, Math.floor(box[1] * 1e6) / 1e6, Math.ceil(box[2] * 1e6) / 1e6, Math.ceil(box[3] * 1e6) / 1e6];
}

/**
 * Which of several areas contains a point: even-odd ray casting over the edges in the point's latitude band, so a
 * query touches a few dozen edges instead of the whole municipality's 20,000.
 */
export class AreaIndex {
  private readonly south: number;
  private readonly bandHeight: number;
  /** Per band: flat (lng1, lat1, lng2, lat2, area) records. */
  private readonly bands: Float64Array[];
  private readonly parity: Uint8Array;

  constructor(areas: readonly MultiPolygonCoords[], bandHeightDegrees = 0.01) {
    const box = bboxOfRings(areas.flatMap((polygons) => polygons.flat()));
    this.south = box[1];
    this.bandHeight = bandHeightDegrees;
    const bandCount = Math.max(1, Math.ceil((box[3] - box[1]) / bandHeightDegrees) + 1);
    const lists: number[][] = Array.from({ length: bandCount }, () => []);
    areas.forEach((polygons, area) => {
      for (const polygon of polygons) {
        for (const ring of polygon) {
          for (let i = 0; i + 1 < ring.length; i++) {
            const a = ring[i] as LngLat;
            const b = ring[i + 1] as LngLat;
            const first = this.band(Math.min(a[1], b[1]));
            const last = this.band(Math.max(a[1], b[1]));
            for (let band = first; band <= last; band++) lists[band]?.push(a[0], a[1], b[0], b[1], area);
          }
        }
      }
    });
    this.bands = lists.map((list) => Float64Array.from(list));
    this.parity = new Uint8Array(areas.length);
  }

  private band(lat: number): number {
    return Math.floor((lat - this.south) / this.bandHeight);
  }

  /** Index of the area containing the point, or -1. */
  locate(lng: number, lat: number): number {
    const edges = this.bands[this.band(lat)];
    if (!edges) return -1;
    const parity = this.parity;
    parity.fill(0);
    for (let i = 0; i < edges.length; i += 5) {
      const y1 = edges[i + 1] as number;
      const y2 = edges[i + 3] as number;
      if (y1 > lat !== y2 > lat) {
        const x1 = edges[i] as number;
        const x2 = edges[i + 2] as number;
        if (lng < x1 + ((lat - y1) / (y2 - y1)) * (x2 - x1)) {
          const area = edges[i + 4] as number;
          parity[area] = (parity[area] ?? 0) ^ 1;
        }
      }
    }
    return parity.indexOf(1);
  }
}

export interface NearestOnLine {
  /** Metres. */
  readonly distance: number;
  readonly point: LngLat;
  readonly line: number;
  /** Unit direction of the segment, in the local plane (east, north). */
  readonly direction: readonly [number, number];
}

/**
 * Polylines hashed into a grid of cells about 1 km across, each line with a half-width, answering "is this point on
 * the water" and "nearest point of line L".
 */
export class LineIndex {
  private readonly frame: PlaneFrame;
  private readonly cellSize: number;
  private readonly cells = new Map<number, number[]>();
  /** Flat (x1, y1, x2, y2, line) records in the plane, metres. */
  private readonly segments: number[] = [];

  constructor(
    frame: PlaneFrame,
    private readonly lines: readonly { readonly coordinates: readonly LngLat[]; readonly halfWidth: number }[],
    cellSize = 1000,
  ) {
    this.frame = frame;
    this.cellSize = cellSize;
    lines.forEach((line, lineIndex) => {
      for (let i = 0; i + 1 < line.coordinates.length; i++) {
        const a = line.coordinates[i] as LngLat;
        const b = line.coordinates[i + 1] as LngLat;
        const x1 = frame.x(a[0]);
        const y1 = frame.y(a[1]);
        const x2 = frame.x(b[0]);
        const y2 = frame.y(b[1]);
        const segment = this.segments.length / 5;
        this.segments.push(x1, y1, x2, y2, lineIndex);
        const pad = line.halfWidth;
        for (let cx = this.cell(Math.min(x1, x2) - pad); cx <= this.cell(Math.max(x1, x2) + pad); cx++) {
          for (let cy = this.cell(Math.min(y1, y2) - pad); cy <= this.cell(Math.max(y1, y2) + pad); cy++) {
            const key = this.key(cx, cy);
            const list = this.cells.get(key);
            if (list) list.push(segment);
            else this.cells.set(key, [segment]);
          }
        }
      }
    });
  }

  private cell(v: number): number {
    return Math.floor(v / this.cellSize);
  }

  private key(cx: number, cy: number): number {
    return (cx + 32768) * 65536 + (cy + 32768);
  }

  /** Whether the plane point (metres in the index's frame) lies within some line's half-width. */
  coversXY(x: number, y: number): boolean {
    const list = this.cells.get(this.key(this.cell(x), this.cell(y)));
    if (!list) return false;
    for (const segment of list) {
      const at = segment * 5;
      const line = this.lines[this.segments[at + 4] as number];
      if (line && distanceToSegment(x, y, this.segments, at) < line.halfWidth) return true;
    }
    return false;
  }

  covers(p: LngLat): boolean {
    return this.coversXY(this.frame.x(p[0]), this.frame.y(p[1]));
  }

  /** Nearest point within `maxDistance` metres on the lines accepted by `accept`, or null. */
  nearest(p: LngLat, maxDistance: number, accept: (line: number) => boolean = () => true): NearestOnLine | null {
    const x = this.frame.x(p[0]);
    const y = this.frame.y(p[1]);
    const reach = Math.ceil(maxDistance / this.cellSize);
    let best: NearestOnLine | null = null;
    const seen = new Set<number>();
    for (let cx = this.cell(x) - reach; cx <= this.cell(x) + reach; cx++) {
      for (let cy = this.cell(y) - reach; cy <= this.cell(y) + reach; cy++) {
        for (const segment of this.cells.get(this.key(cx, cy)) ?? []) {
          if (seen.has(segment)) continue;
          seen.add(segment);
          const at = segment * 5;
          const line = this.segments[at + 4] as number;
          if (!accept(line)) continue;
          const x1 = this.segments[at] as number;
          const y1 = this.segments[at + 1] as number;
          const dx = (this.segments[at + 2] as number) - x1;
          const dy = (this.segments[at + 3] as number) - y1;
          const lengthSq = dx * dx + dy * dy || 1;
          const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / lengthSq));
          const px = x1 + t * dx;
          const py = y1 + t * dy;
          const distance = Math.hypot(x - px, y - py);
          if (distance <= maxDistance && (!best || distance < best.distance)) {
            const length = Math.sqrt(lengthSq);
            best = {
              distance,
              point: [this.frame.lng(px), this.frame.lat(py)],
              line,
              direction: [dx / length, dy / length],
            };
          }
        }
      }
    }
    return best;
  }
}

function distanceToSegment(x: number, y: number, flat: readonly number[], at: number): number {
  const x1 = flat[at] as number;
  const y1 = flat[at + 1] as number;
  const dx = (flat[at + 2] as number) - x1;
  const dy = (flat[at + 3] as number) - y1;
  const lengthSq = dx * dx + dy * dy;
  const t = lengthSq === 0 ? 0 : Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / lengthSq));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}
