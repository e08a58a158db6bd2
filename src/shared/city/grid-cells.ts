/**
 * Binary codec of the grid cells' geometry (`grid/cells.bin`), little-endian throughout. Codes, districts and streets
 * per cell index are in the JSON sidecar (`grid/cells.json`, GridCellsSidecar).
 *
 * Header, 32 bytes:
 *   0  u32  magic 0x43474c5a ("ZLGC" read as bytes)
 *   4  u16  format version (GRID_CELLS_VERSION)
 *   6  u16  header length in bytes (32)
 *   8  u32  cell count
 *   12 u16  corners per cell (4: every cell is a quadrilateral)
 *   14 u16  zero
 *   16 f64  origin longitude (WGS84 degrees)
 *   24 f64  origin latitude (WGS84 degrees)
 * Body: Float32 corners, per cell `corners per cell` pairs of (lng offset, lat offset) in degrees from the origin,
 * counter-clockwise starting at the south-west corner; the ring is implicitly closed.
 *
 * Float32 offsets from one origin (解放碑) rather than Float64: the whole municipality lies within 4 degrees of it, where
 * Float32's step is at most 2^-21 degrees (about 5 cm), far below the cells' own accuracy; it halves the file and the
 * array can go to the GPU as is.
 */

export const GRID_CELLS_MAGIC = 0x43474c5a;
export const GRID_CELLS_VERSION = 1;
export const GRID_CELLS_HEADER_BYTES = 32;
export const GRID_CELL_CORNERS = 4;

export interface GridCellsHeader {
  readonly cellCount: number;
  readonly cornersPerCell: number;
  readonly originLng: number;
  readonly originLat: number;
}

export interface GridCells {
  readonly header: GridCellsHeader;
  /** Interleaved (lng offset, lat offset) pairs, `cornersPerCell` pairs per cell. */
  readonly corners: Float32Array<ArrayBuffer>;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function gridCellsByteLength(cellCount: number, cornersPerCell: number = GRID_CELL_CORNERS): number {
  return GRID_CELLS_HEADER_BYTES + cellCount * cornersPerCell * 2 * 4;
}

/**
 * Encodes absolute WGS84 corners (`lngLat`: interleaved lng, lat; `cornersPerCell` pairs per cell) relative to the
 * origin.
 */
export function encodeGridCells(
  origin: { readonly lng: number; readonly lat: number },
  lngLat: ArrayLike<number>,
  cornersPerCell: number = GRID_CELL_CORNERS,
): ArrayBuffer {
  const pairsPerCell = cornersPerCell * 2;
  if (lngLat.length % pairsPerCell !== 0) throw new RangeError('corner array is not a whole number of cells');
  const cellCount = lngLat.length / pairsPerCell;
  const buffer = new ArrayBuffer(gridCellsByteLength(cellCount, cornersPerCell));
  const view = new DataView(buffer);
  view.setUint32(0, GRID_CELLS_MAGIC, true);
  view.setUint16(4, GRID_CELLS_VERSION, true);
  view.setUint16(6, GRID_CELLS_HEADER_BYTES, true);
  view.setUint32(8, cellCount, true);
  view.setUint16(12, cornersPerCell, true);
  view.setFloat64(16, origin.lng, true);
  view.setFloat64(24, origin.lat, true);
  for (let i = 0; i < lngLat.length; i += 2) {
    view.setFloat32(GRID_CELLS_HEADER_BYTES + i * 4, (lngLat[i] ?? Number.NaN) - origin.lng, true);
    view.setFloat32(GRID_CELLS_HEADER_BYTES + (i + 1) * 4, (lngLat[i + 1] ?? Number.NaN) - origin.lat, true);
  }
  return buffer;
}

/** Views over `buffer` (no copy). */
export function decodeGridCells(buffer: ArrayBuffer): GridCells {
  if (!LITTLE_ENDIAN_HOST) throw new Error('grid cells can only be viewed on a little-endian host');
  if (buffer.byteLength < GRID_CELLS_HEADER_BYTES) throw new RangeError('grid cells file shorter than its header');
  const view = new DataView(buffer);
  if (view.getUint32(0, true) !== GRID_CELLS_MAGIC) throw new Error('not a grid cells file (bad magic)');
  const version = view.getUint16(4, true);
  if (version !== GRID_CELLS_VERSION) throw new Error(`grid cells version ${version} is not supported`);
  if (view.getUint16(6, true) !== GRID_CELLS_HEADER_BYTES) throw new Error('unexpected grid cells header size');
  const header: GridCellsHeader = {
    cellCount: view.getUint32(8, true),
    cornersPerCell: view.getUint16(12, true),
    originLng: view.getFloat64(16, true),
    originLat: view.getFloat64(24, true),
  };
  const expected = gridCellsByteLength(header.cellCount, header.cornersPerCell);
  if (buffer.byteLength !== expected) throw new RangeError(`grid cells file is ${buffer.byteLength} bytes, expected ${expected}`);
  return {
    header,
    corners: new Float32Array(buffer, GRID_CELLS_HEADER_BYTES, header.cellCount * header.cornersPerCell * 2),
  };
}

/** Closed WGS84 ring of cell `index`, ready for a GeoJSON Polygon. */
export function gridCellRing(cells: GridCells, index: number): [number, number][] {
  const { cornersPerCell, originLng, originLat } = cells.header;
  const ring: [number, number][] = [];
  const base = index * cornersPerCell * 2;
  for (let k = 0; k <= cornersPerCell; k++) {
    const at = base + (k % cornersPerCell) * 2;
    ring.push([originLng + (cells.corners[at] ?? Number.NaN), originLat + (cells.corners[at + 1] ?? Number.NaN)]);
  }
  return ring;
}
