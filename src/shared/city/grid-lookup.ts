import type { GridCells } from './grid-cells.js';

/**
 * Which unit grid cell a point stands in: cells are bucketed by their bounding boxes on a regular lng/lat lattice, so
 * a lookup tests only the few cells whose boxes cover the point's bucket (incidents and sensors are counted per cell
 * on every feed tick, so a scan of all cells per point is too slow).
 */
export interface GridLookup {
  /** The index of the cell containing (lng, lat), or -1 outside every cell. */
  cellAt(lng: number, lat: number): number;
}

export function createGridLookup(cells: GridCells, bucketDegrees = 0.02): GridLookup {
  const { cellCount, cornersPerCell, originLng, originLat } = cells.header;
  const { corners } = cells;
  const buckets = new Map<number, number[]>();
  // Bucket keys pack (column, row) into one number; 2^20 columns is far beyond any city.
  const key = (column: number, row: number) => column * 1_048_576 + row;
  const columnOf = (lngOffset: number) => Math.floor(lngOffset / bucketDegrees) + 524_288;
  const rowOf = (latOffset: number) => Math.floor(latOffset / bucketDegrees) + 524_288;
  for (let cell = 0; cell < cellCount; cell++) {
    let west = Infinity;
    let east = -Infinity;
    let south = Infinity;
    let north = -Infinity;
    for (let k = 0; k < cornersPerCell; k++) {
      const x = corners[(cell * cornersPerCell + k) * 2] as number;
      const y = corners[(cell * cornersPerCell + k) * 2 + 1] as number;
      west = Math.min(west, x);
      east = Math.max(east, x);
      south = Math.min(south, y);
      north = Math.max(north, y);
    }
    for (let column = columnOf(west); column <= columnOf(east); column++) {
      for (let row = rowOf(south); row <= rowOf(north); row++) {
        const bucket = buckets.get(key(column, row));
        if (bucket) bucket.push(cell);
        else buckets.set(key(column, row), [cell]);
      }
    }
  }

  const contains = (cell: number, x: number, y: number): boolean => {
    // Even-odd ray casting over the cell's ring.
    let inside = false;
    const base = cell * cornersPerCell * 2;
    for (let k = 0, j = cornersPerCell - 1; k < cornersPerCell; j = k++) {
      const xk = corners[base + k * 2] as number;
      const yk = corners[base + k * 2 + 1] as number;
      const xj = corners[base + j * 2] as number;
      const yj = corners[base + j * 2 + 1] as number;
      if (yk > y !== yj > y && x < ((xj - xk) * (y - yk)) / (yj - yk) + xk) inside = !inside;
    }
    return inside;
  };

  return {
    cellAt(lng, lat) {
      const x = lng - originLng;
      const y = lat - originLat;
      for (const cell of buckets.get(key(columnOf(x), rowOf(y))) ?? []) {
        if (contains(cell, x, y)) return cell;
      }
      return -1;
    },
  };
}
