/**
 * The committed river lines (resources/city/rivers.geojson, see extract-rivers.ts) and the water mask that keeps
 * synthetic cells and components off the rivers.
 *
 * GSHHG's lines lie a few hundred metres off in downtown Chongqing, where the rivers are the district boundaries
 * (渝中区 is the peninsula between the Yangtze and the Jialing) and the echarts boundaries are better (~100 m). So
 * where a district boundary runs along a big river, the boundary is taken as the river's centre line and GSHHG's line
 * is ignored there; elsewhere (the Yangtze through 涪陵 or 万州) GSHHG's line is used.
 */
import { readFile } from 'node:fs/promises';
import { RiversFileSchema, type RiversFile } from '../../src/shared/city/index.js';
import { LineIndex, type PlaneFrame, type LngLat, type MultiPolygonCoords } from './geo.js';

/** Half the usual water width in metres, by river name, else by GSHHG level. */
const HALF_WIDTH_BY_NAME: Readonly<Record<string, number>> = { 长江: 250, 嘉陵江: 160, 乌江: 110 };
const HALF_WIDTH_BY_LEVEL: Readonly<Record<number, number>> = { 1: 250, 2: 120, 3: 60, 4: 35 };
/** A boundary edge this close to a big river, and nearly parallel to it, is taken to be that river's centre line. */
const BOUNDARY_RIVER_REACH_M = 1500;
const BOUNDARY_RIVER_SEED_ANGLE = 35;
const BOUNDARY_RIVER_GROW_ANGLE = 55;

function degrees(value: number): number {
  return (value * Math.PI) / 180;
}

export interface RiverLine {
  readonly name: string | null;
  readonly level: number;
  readonly coordinates: LngLat[];
  readonly halfWidth: number;
}

export async function loadRivers(path: string): Promise<{ file: RiversFile; text: string; lines: RiverLine[] }> {
  const text = await readFile(path, 'utf8');
  const file = RiversFileSchema.parse(JSON.parse(text));
  const lines = file.features.map((f) => ({
    name: f.properties.name,
    level: f.properties.level,
    coordinates: f.geometry.coordinates,
    halfWidth: (f.properties.name && HALF_WIDTH_BY_NAME[f.properties.name]) || HALF_WIDTH_BY_LEVEL[f.properties.level] || 35,
  }));
  return { file, text, lines };
}

/** Edges shared by two districts (each appears once per side after mapshaper's -clean built the topology). */
function sharedBoundaryEdges(areas: readonly MultiPolygonCoords[]): [LngLat, LngLat][] {
  const seen = new Map<string, number>();
  const edges: [LngLat, LngLat][] = [];
  const key = (a: LngLat, b: LngLat): string => `${a[0]},${a[1]}|${b[0]},${b[1]}`;
  areas.forEach((polygons, area) => {
    for (const ring of polygons.flat()) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const a = ring[i] as LngLat;
        const b = ring[i + 1] as LngLat;
        const other = seen.get(key(b, a));
        if (other !== undefined && other !== area) edges.push([a, b]);
        else seen.set(key(a, b), area);
      }
    }
  });
  return edges;
}

/**
 * The lines that define water for masking: river-following district boundaries with the river's width, plus the
 * stretches of GSHHG lines that no such boundary accounts for.
 */
export function waterLines(
  frame: PlaneFrame,
  rivers: readonly RiverLine[],
  areas: readonly MultiPolygonCoords[],
): RiverLine[] {
  const big = rivers.filter((r) => r.level <= 2);
  const bigIndex = new LineIndex(frame, big);
  const edges = sharedBoundaryEdges(areas);
  const riverOf = edges.map(([a, b]) => {
    const near = bigIndex.nearest([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], BOUNDARY_RIVER_REACH_M);
    const ex = frame.x(b[0]) - frame.x(a[0]);
    const ey = frame.y(b[1]) - frame.y(a[1]);
    const length = Math.hypot(ex, ey);
    if (!near || length === 0) return { line: -1, cos: 0 };
    return { line: near.line, cos: Math.abs((ex * near.direction[0] + ey * near.direction[1]) / length) };
  });
  // Seed with edges parallel to a big river, then grow along the boundary through less parallel edges (a boundary
  // that follows the river's real meanders departs from GSHHG's smoother line here and there).
  const isRiver = riverOf.map((r) => r.line >= 0 && r.cos >= Math.cos(degrees(BOUNDARY_RIVER_SEED_ANGLE)));
  const vertexKey = (p: LngLat): string => `${p[0]},${p[1]}`;
  const growCos = Math.cos(degrees(BOUNDARY_RIVER_GROW_ANGLE));
  for (let grown = true; grown; ) {
    grown = false;
    const riverVertices = new Set<string>();
    edges.forEach(([a, b], i) => {
      if (isRiver[i]) riverVertices.add(vertexKey(a)).add(vertexKey(b));
    });
    edges.forEach(([a, b], i) => {
      const r = riverOf[i];
      if (isRiver[i] || !r || r.line < 0 || r.cos < growCos) return;
      if (riverVertices.has(vertexKey(a)) || riverVertices.has(vertexKey(b))) {
        isRiver[i] = true;
        grown = true;
      }
    });
  }
  const boundaryRivers: RiverLine[] = [];
  edges.forEach(([a, b], i) => {
    const river = big[riverOf[i]?.line ?? -1];
    if (isRiver[i] && river) {
      boundaryRivers.push({ name: river.name, level: river.level, coordinates: [a, b], halfWidth: river.halfWidth });
    }
  });
  const boundaryIndex = new LineIndex(frame, boundaryRivers.map((r) => ({ ...r, halfWidth: BOUNDARY_RIVER_REACH_M })));
  const remaining: RiverLine[] = [];
  for (const river of rivers) {
    let run: LngLat[] = [];
    const flush = (): void => {
      if (run.length >= 2) remaining.push({ ...river, coordinates: run });
      run = [];
    };
    for (const p of river.coordinates) {
      if (river.level <= 2 && boundaryIndex.covers(p)) flush();
      else run.push(p);
    }
    flush();
  }
  return [...boundaryRivers, ...remaining];
}
