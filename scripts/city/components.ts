/**
 * Synthetic city components (部件), streamed to disk chunk by chunk so that 10 million of them never live in memory at
 * once (one chunk of at most 1,000,000 components, about 19 MB, at a time).
 *
 * Components stand along the block edges, which here are the grid cells' edges. The requested total is shared out
 * exactly over the cells in proportion to their perimeters, then over each cell's four edges by length. Along an edge
 * the components run in parallel "tracks" a few metres inside the cell (kerb, pavement, building line), each track one
 * subclass (a row of street lamps, a row of trees) with its members 30-50 m apart; the more components an edge needs,
 * the more tracks it gets. Every cell draws from its own seeded stream, so a cell's components do not depend on how
 * the cells are cut into chunks.
 */
import {
  COMPONENT_CHUNK_MAX_COUNT,
  COMPONENT_OWNERS,
  COMPONENT_STATUSES,
  COMPONENT_SUBCLASSES,
  componentOwnerIndex,
  createComponentChunk,
  createRandom,
  deriveSeed,
  MAX_COMPONENT_SEQUENCE,
  type ComponentChunkEntry,
  type DistrictsFile,
} from '../../src/shared/city/index.js';
import { emptyBBox, extendBBox, roundBBoxOutward } from './geo.js';
import type { GridGeometry } from './grid.js';
import type { OutputDir } from './io.js';

const SPACING_MIN_M = 30;
const SPACING_MAX_M = 50;
/** Track capacity is reckoned at the mean spacing. */
const SPACING_MEAN_M = (SPACING_MIN_M + SPACING_MAX_M) / 2;
const TRACK_INSET_MIN_M = 1.5;
const TRACK_INSET_MAX_M = 25;
/** Chunks are cut below the cap so a chunk can end on a cell boundary without ever exceeding it. */
const CHUNK_FILL = 0.98;

const SUBCLASS_WEIGHTS = COMPONENT_SUBCLASSES.map((s) => s.weight);
const SUBCLASS_OWNER = COMPONENT_SUBCLASSES.map((s) => componentOwnerIndex(s.owner));
const STATUS_SHARES = COMPONENT_STATUSES.map((s) => s.share);

export interface ChunkPlan {
  readonly districtIndex: number;
  readonly firstCell: number;
  readonly cellCount: number;
  readonly count: number;
}

/** Components per cell: the total shared in proportion to perimeter, by cumulative rounding so it sums exactly. */
export function cellQuotas(grid: GridGeometry, total: number): Uint32Array {
  const perimeter = new Float64Array(grid.cellCount);
  let sum = 0;
  for (let c = 0; c < grid.cellCount; c++) {
    let p = 0;
    for (let k = 0; k < 4; k++) p += edgeLength(grid.cornersXY, c, k);
    perimeter[c] = p;
    sum += p;
  }
  const quotas = new Uint32Array(grid.cellCount);
  let cumulative = 0;
  let placed = 0;
  for (let c = 0; c < grid.cellCount; c++) {
    cumulative += perimeter[c] as number;
    const upTo = c === grid.cellCount - 1 ? total : Math.floor((total * cumulative) / sum);
    quotas[c] = upTo - placed;
    placed = upTo;
  }
  return quotas;
}

function edgeLength(corners: Float64Array, cell: number, k: number): number {
  const a = cell * 8 + k * 2;
  const b = cell * 8 + ((k + 1) % 4) * 2;
  return Math.hypot((corners[b] as number) - (corners[a] as number), (corners[b + 1] as number) - (corners[a + 1] as number));
}

/** One or more chunks per district, each a run of consecutive (hence nearby) cells, none above the cap. */
export function planChunks(grid: GridGeometry, quotas: Uint32Array, cap: number = COMPONENT_CHUNK_MAX_COUNT): ChunkPlan[] {
  const plans: ChunkPlan[] = [];
  for (let districtIndex = 0; districtIndex + 1 < grid.districtStart.length; districtIndex++) {
    const start = grid.districtStart[districtIndex] as number;
    const end = grid.districtStart[districtIndex + 1] as number;
    let districtTotal = 0;
    for (let c = start; c < end; c++) districtTotal += quotas[c] as number;
    const pieces = Math.max(1, Math.ceil(districtTotal / (cap * CHUNK_FILL)));
    let first = start;
    let piece = 0;
    let running = 0;
    let count = 0;
    for (let c = start; c < end; c++) {
      count += quotas[c] as number;
      running += quotas[c] as number;
      if (c === end - 1 || running >= (districtTotal * (piece + 1)) / pieces) {
        if (count > cap) throw new Error(`chunk of ${count} components exceeds the cap of ${cap}`);
        if (count > 0) plans.push({ districtIndex, firstCell: first, cellCount: c + 1 - first, count });
        piece++;
        first = c + 1;
        count = 0;
      }
    }
  }
  return plans;
}

export interface ComponentsInput {
  readonly seed: number;
  readonly grid: GridGeometry;
  readonly districts: DistrictsFile;
  readonly total: number;
  readonly out: OutputDir;
  readonly cap?: number;
}

export async function writeComponents(input: ComponentsInput): Promise<ComponentChunkEntry[]> {
  const { grid, seed, out } = input;
  const cap = input.cap ?? COMPONENT_CHUNK_MAX_COUNT;
  const quotas = cellQuotas(grid, input.total);
  const plans = planChunks(grid, quotas, cap);
  const sequences = new Map<string, Uint32Array>();
  const entries: ComponentChunkEntry[] = [];

  for (const [chunkIndex, plan] of plans.entries()) {
    const feature = input.districts.features[plan.districtIndex];
    if (!feature) throw new Error(`no district ${plan.districtIndex}`);
    const { adcode, statutoryAdcode } = feature.properties;
    const cellBox = emptyBBox();
    for (let c = plan.firstCell; c < plan.firstCell + plan.cellCount; c++) {
      for (let k = 0; k < 4; k++) extendBBox(cellBox, grid.cornersLngLat[c * 8 + k * 2] as number, grid.cornersLngLat[c * 8 + k * 2 + 1] as number);
    }
    const originLng = (cellBox[0] + cellBox[2]) / 2;
    const originLat = (cellBox[1] + cellBox[3]) / 2;
    if (cellBox[2] - cellBox[0] > 2 || cellBox[3] - cellBox[1] > 2) {
      throw new Error(`chunk ${chunkIndex} spans more than 2 degrees: Float32 offsets would lose precision`);
    }
    const chunk = createComponentChunk({
      count: plan.count,
      chunkIndex,
      originLng,
      originLat,
      districtAdcode: Number(adcode),
      codeAdcode: Number(statutoryAdcode),
    });
    let sequence = sequences.get(statutoryAdcode);
    if (!sequence) {
      sequence = new Uint32Array(COMPONENT_SUBCLASSES.length);
      sequences.set(statutoryAdcode, sequence);
    }
    const frame = grid.frame;
    let i = 0;
    for (let cell = plan.firstCell; cell < plan.firstCell + plan.cellCount; cell++) {
      const quota = quotas[cell] as number;
      if (quota === 0) continue;
      const random = createRandom(deriveSeed(seed, 'components', cell));
      const lengths = [0, 1, 2, 3].map((k) => edgeLength(grid.cornersXY, cell, k));
      const perimeter = lengths.reduce((a, b) => a + b, 0);
      const maxInset = Math.min(TRACK_INSET_MAX_M, 0.3 * (grid.size[cell] as number));
      let placedInCell = 0;
      let cumulative = 0;
      for (let k = 0; k < 4; k++) {
        const length = lengths[k] as number;
        cumulative += length;
        const upTo = k === 3 ? quota : Math.floor((quota * cumulative) / perimeter);
        const onEdge = upTo - placedInCell;
        placedInCell = upTo;
        if (onEdge === 0) continue;
        const a = cell * 8 + k * 2;
        const b = cell * 8 + ((k + 1) % 4) * 2;
        const ax = grid.cornersXY[a] as number;
        const ay = grid.cornersXY[a + 1] as number;
        const ux = ((grid.cornersXY[b] as number) - ax) / length;
        const uy = ((grid.cornersXY[b + 1] as number) - ay) / length;
        const perTrack = Math.max(1, Math.floor(length / SPACING_MEAN_M));
        const tracks = Math.ceil(onEdge / perTrack);
        for (let t = 0; t < tracks; t++) {
          const members = Math.floor(onEdge / tracks) + (t < onEdge % tracks ? 1 : 0);
          const subclass = random.weighted(SUBCLASS_WEIGHTS);
          const inset = random.range(TRACK_INSET_MIN_M, Math.max(TRACK_INSET_MIN_M, maxInset));
          // Keep clear of the corners so a track never pokes into the neighbouring edge's side of the cell.
          const margin = Math.min(inset, length / 4);
          const usable = length - 2 * margin;
          const spacing = members > 1 ? Math.min(random.range(SPACING_MIN_M, SPACING_MAX_M), usable / (members - 1)) : 0;
          const first = margin + random.next() * (usable - spacing * (members - 1));
          for (let m = 0; m < members; m++) {
            const along = first + m * spacing;
            // The cell is counter-clockwise, so its inside is to the left of each edge.
            const x = ax + ux * along - uy * inset;
            const y = ay + uy * along + ux * inset;
            chunk.lngOffset[i] = frame.lng(x) - originLng;
            chunk.latOffset[i] = frame.lat(y) - originLat;
            chunk.cellIndex[i] = cell;
            const next = (sequence[subclass] as number) + 1;
            if (next > MAX_COMPONENT_SEQUENCE) {
              throw new Error(`more than ${MAX_COMPONENT_SEQUENCE} components of one subclass in ${statutoryAdcode}`);
            }
            sequence[subclass] = next;
            chunk.sequence[i] = next;
            chunk.subclass[i] = subclass;
            chunk.owner[i] = random.chance(0.9) ? (SUBCLASS_OWNER[subclass] as number) : 1 + random.int(COMPONENT_OWNERS.length - 1);
            chunk.status[i] = random.weighted(STATUS_SHARES);
            i++;
          }
        }
      }
    }
    if (i !== plan.count) throw new Error(`chunk ${chunkIndex}: placed ${i} of ${plan.count} components`);

    const box = emptyBBox();
    for (let j = 0; j < plan.count; j++) {
      extendBBox(box, originLng + (chunk.lngOffset[j] as number), originLat + (chunk.latOffset[j] as number));
    }
    const path = `components/chunk-${String(chunkIndex).padStart(4, '0')}.bin`;
    await out.write(path, new Uint8Array(chunk.buffer), {
      synthetic: true,
      description: `${plan.count} synthetic components of ${feature.properties.name}`,
    });
    entries.push({
      path,
      index: chunkIndex,
      districtAdcode: adcode,
      codeAdcode: statutoryAdcode,
      count: plan.count,
      bbox: roundBBoxOutward(box),
      byteLength: chunk.buffer.byteLength,
      firstCell: plan.firstCell,
      cellCount: plan.cellCount,
    });
  }
  return entries;
}
