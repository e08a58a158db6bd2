/**
 * Regenerates `resources/city/rivers.geojson` from GSHHG 2.3.7's WDBII rivers through GMT (Debian packages `gmt` and
 * `gmt-gshhg-full`). The result is small and kept in git, so the city build itself never needs GMT.
 *
 *   npx tsx scripts/city/extract-rivers.ts [--out resources/city/rivers.geojson]
 *
 * GMT prints the rivers bin by bin; the segments are joined back into rivers, the big ones are named by towns they pass,
 * the lines are clipped to the municipality's bounding box and lightly simplified (a 15 m tolerance, far below the data's
 * own error of a few hundred metres in downtown Chongqing).
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LineString } from 'geojson';
import { RiversFileSchema, type BBox, type RiverProperties, type RiversFile } from '../../src/shared/city/index.js';
import { buildDistricts } from './districts.js';
import { bboxOfRings, metresBetween, type LngLat } from './geo.js';
import { mapshaperRun } from './mapshaper-run.js';

export interface RiverLine {
  level: number;
  coordinates: LngLat[];
}

export function parseGmtRivers(text: string): RiverLine[] {
  const lines: RiverLine[] = [];
  let current: RiverLine | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('>')) {
      const level = /Level (\d+)/.exec(line)?.[1];
      current = { level: Number(level ?? 0), coordinates: [] };
      lines.push(current);
    } else if (current) {
      const [lng, lat] = line.split(/\s+/).map(Number);
      if (lng !== undefined && lat !== undefined && Number.isFinite(lng) && Number.isFinite(lat)) {
        current.coordinates.push([lng, lat]);
      }
    }
  }
  return lines.filter((l) => l.coordinates.length >= 2);
}

/**
 * Joins segments where one ends where another of the same level starts. Exact matches first (GMT's bin edges), then
 * gaps under `gapDegrees` when the match is unambiguous (WDBII breaks some rivers a few hundred metres apart).
 */
export function joinRiverSegments(segments: readonly RiverLine[], gapDegrees = 0.003): RiverLine[] {
  const chains = segments.map((s) => ({ level: s.level, coordinates: [...s.coordinates] }));
  const close = (a: LngLat, b: LngLat, tolerance: number): boolean =>
    Math.abs(a[0] - b[0]) <= tolerance && Math.abs(a[1] - b[1]) <= tolerance;
  for (const tolerance of [0, gapDegrees]) {
    let joined = true;
    while (joined) {
      joined = false;
      for (const head of chains) {
        const end = head.coordinates[head.coordinates.length - 1] as LngLat;
        const matches = chains.filter(
          (tail) => tail !== head && tail.level === head.level && close(end, tail.coordinates[0] as LngLat, tolerance),
        );
        const tail = matches[0];
        if (matches.length === 1 && tail) {
          head.coordinates.push(...tail.coordinates.slice(tolerance === 0 ? 1 : 0));
          chains.splice(chains.indexOf(tail), 1);
          joined = true;
          break;
        }
      }
    }
  }
  // GMT emits two-point segments of one repeated vertex at some bin corners.
  return chains.filter((c) => {
    const [first] = c.coordinates;
    return first !== undefined && c.coordinates.some((p) => p[0] !== first[0] || p[1] !== first[1]);
  });
}

/** A river is named when its line passes within 4 km of every listed town on it (town positions approximate). */
const NAMED_RIVERS: readonly { name: string; nameEn: string; level: number; passes: readonly LngLat[] }[] = [
  { name: '长江', nameEn: 'Yangtze River (Changjiang)', level: 1, passes: [[106.26, 29.29], [108.40, 30.80]] },
  { name: '嘉陵江', nameEn: 'Jialing River', level: 2, passes: [[106.43, 29.83], [106.585, 29.575]] },
  { name: '乌江', nameEn: 'Wu River', level: 2, passes: [[108.17, 29.29], [107.40, 29.72]] },
  { name: '涪江', nameEn: 'Fu River', level: 3, passes: [[105.84, 30.19], [106.27, 29.99]] },
  { name: '渠江', nameEn: 'Qu River', level: 3, passes: [[106.63, 30.47], [106.30, 30.03]] },
];

const NAMING_REACH_M = 4000;

export function nameRiver(line: RiverLine): { name: string | null; nameEn: string | null } {
  const river = NAMED_RIVERS.find(
    (r) =>
      r.level === line.level &&
      r.passes.every((town) => line.coordinates.some((p) => metresBetween(p, town) <= NAMING_REACH_M)),
  );
  return { name: river?.name ?? null, nameEn: river?.nameEn ?? null };
}

/** Liang-Barsky clip of a polyline to a box; a line that leaves and re-enters becomes several. */
export function clipLine(coordinates: readonly LngLat[], box: BBox): LngLat[][] {
  const pieces: LngLat[][] = [];
  let piece: LngLat[] = [];
  const flush = (): void => {
    if (piece.length >= 2) pieces.push(piece);
    piece = [];
  };
  for (let i = 0; i + 1 < coordinates.length; i++) {
    const a = coordinates[i] as LngLat;
    const b = coordinates[i + 1] as LngLat;
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    let t0 = 0;
    let t1 = 1;
    const edges: [number, number][] = [
      [-dx, a[0] - box[0]],
      [dx, box[2] - a[0]],
      [-dy, a[1] - box[1]],
      [dy, box[3] - a[1]],
    ];
    let inside = true;
    for (const [p, q] of edges) {
      if (p === 0) {
        if (q < 0) inside = false;
      } else {
        const t = q / p;
        if (p < 0) t0 = Math.max(t0, t);
        else t1 = Math.min(t1, t);
      }
    }
    if (!inside || t0 > t1) {
      flush();
      continue;
    }
    const start: LngLat = [a[0] + t0 * dx, a[1] + t0 * dy];
    const end: LngLat = [a[0] + t1 * dx, a[1] + t1 * dy];
    if (piece.length === 0) piece.push(start);
    piece.push(end);
    if (t1 < 1) flush();
  }
  flush();
  return pieces;
}

async function simplify(file: RiversFile): Promise<RiversFile> {
  return RiversFileSchema.parse(await mapshaperRun<RiverProperties, LineString>('-i in.json -simplify interval=15 keep-shapes', { 'in.json': file }));
}

/** One feature per line, so that a regenerated file diffs readably in git. */
export function formatRivers(file: RiversFile): string {
  return `{"type":"FeatureCollection","features":[\n${file.features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
}

export async function extractRivers(): Promise<RiversFile> {
  const { outline } = await buildDistricts();
  const geometry = outline.features[0]?.geometry;
  if (!geometry) throw new Error('no outline');
  const box = bboxOfRings(geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat());
  const region = `-R${box[0]}/${box[2]}/${box[1]}/${box[3]}`;
  const { stdout } = await promisify(execFile)('gmt', ['coast', region, '-Ir', '-M', '-Df'], {
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: unknown) => {
    throw new Error(`running GMT failed (install the Debian packages gmt and gmt-gshhg-full): ${String(error)}`);
  });
  const rivers = joinRiverSegments(parseGmtRivers(stdout));
  const features = rivers.flatMap((river) => {
    const names = nameRiver(river);
    return clipLine(river.coordinates, box).map((coordinates) => ({
      type: 'Feature' as const,
      properties: { ...names, level: river.level },
      geometry: { type: 'LineString' as const, coordinates },
    }));
  });
  features.sort((a, b) => a.properties.level - b.properties.level);
  return simplify({ type: 'FeatureCollection', features });
}

async function main(): Promise<void> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const outIndex = process.argv.indexOf('--out');
  const out = resolve(outIndex > 0 ? (process.argv[outIndex + 1] ?? '') : join(root, 'resources/city/rivers.geojson'));
  const rivers = await extractRivers();
  await mkdir(dirname(out), { recursive: true });
  const text = formatRivers(rivers);
  await writeFile(out, text);
  const named = [...new Set(rivers.features.map((f) => f.properties.name).filter((n) => n !== null))];
  console.log(`rivers: ${rivers.features.length} lines (${named.join(', ')}), ${text.length} bytes -> ${out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
