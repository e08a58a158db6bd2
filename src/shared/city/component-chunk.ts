/**
 * Binary codec of one component chunk (`components/chunk-NNNN.bin`), little-endian throughout.
 *
 * Header, 64 bytes:
 *   0  u32  magic 0x50434c5a ("ZLCP" read as bytes)
 *   4  u16  format version (COMPONENT_CHUNK_VERSION)
 *   6  u16  header length in bytes (64)
 *   8  u32  count: components in this chunk, at most COMPONENT_CHUNK_MAX_COUNT
 *   12 u32  chunk index within the build
 *   16 f64  origin longitude (WGS84 degrees)
 *   24 f64  origin latitude (WGS84 degrees)
 *   32 u32  district adcode (the managing district of every component in the chunk, as in districts.geojson)
 *   36 u32  code adcode (the GB/T 2260 county code used as the first 6 digits of the component codes)
 *   40 ..63 zero
 * Columns, each `count` long, in this order (4-byte columns first so every view is aligned):
 *   lngOffset  Float32  degrees east of the origin
 *   latOffset  Float32  degrees north of the origin
 *   cellIndex  Uint32   index of the grid cell the component stands in (grid/cells.bin)
 *   sequence   Uint32   the 6-digit sequence of its component code (unique per code adcode and subclass)
 *   subclass   Uint8    index into COMPONENT_SUBCLASSES
 *   owner      Uint8    index into COMPONENT_OWNERS
 *   status     Uint8    index into COMPONENT_STATUSES
 *
 * Positions are Float32 offsets in degrees from a per-chunk origin at the chunk's bbox centre. A chunk spans at most one
 * district (under 1.5 degrees), so offsets stay below 1 degree, where Float32's step is at most 2^-24 degrees
 * (about 7 mm): far better than the 0.5 m required, at half the bytes of Float64, and directly usable as GPU vertex data.
 * Decoding builds views over the caller's buffer without copying; each chunk stays below 20 MB so no single buffer
 * approaches a browser's ArrayBuffer limits.
 */

export const COMPONENT_CHUNK_MAGIC = 0x50434c5a;
export const COMPONENT_CHUNK_VERSION = 1;
export const COMPONENT_CHUNK_HEADER_BYTES = 64;
export const COMPONENT_CHUNK_MAX_COUNT = 1_000_000;
export const COMPONENT_BYTES_PER_ITEM = 4 + 4 + 4 + 4 + 1 + 1 + 1;

export interface ComponentChunkHeader {
  readonly count: number;
  readonly chunkIndex: number;
  readonly originLng: number;
  readonly originLat: number;
  readonly districtAdcode: number;
  readonly codeAdcode: number;
}

export interface ComponentChunkColumns {
  readonly lngOffset: Float32Array<ArrayBuffer>;
  readonly latOffset: Float32Array<ArrayBuffer>;
  readonly cellIndex: Uint32Array<ArrayBuffer>;
  readonly sequence: Uint32Array<ArrayBuffer>;
  readonly subclass: Uint8Array<ArrayBuffer>;
  readonly owner: Uint8Array<ArrayBuffer>;
  readonly status: Uint8Array<ArrayBuffer>;
}

export interface ComponentChunk extends ComponentChunkColumns {
  readonly header: ComponentChunkHeader;
}

export function componentChunkByteLength(count: number): number {
  return COMPONENT_CHUNK_HEADER_BYTES + count * COMPONENT_BYTES_PER_ITEM;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function columnsOver(buffer: ArrayBuffer, count: number): ComponentChunkColumns {
  if (!LITTLE_ENDIAN_HOST) {
    // Typed-array views use the host's byte order; every platform the app ships on is little-endian.
    throw new Error('component chunks can only be viewed on a little-endian host');
  }
  let offset = COMPONENT_CHUNK_HEADER_BYTES;
  const take = <T>(make: (o: number) => T, bytesPerItem: number): T => {
    const view = make(offset);
    offset += count * bytesPerItem;
    return view;
  };
  return {
    lngOffset: take((o) => new Float32Array(buffer, o, count), 4),
    latOffset: take((o) => new Float32Array(buffer, o, count), 4),
    cellIndex: take((o) => new Uint32Array(buffer, o, count), 4),
    sequence: take((o) => new Uint32Array(buffer, o, count), 4),
    subclass: take((o) => new Uint8Array(buffer, o, count), 1),
    owner: take((o) => new Uint8Array(buffer, o, count), 1),
    status: take((o) => new Uint8Array(buffer, o, count), 1),
  };
}

function checkHeader(header: ComponentChunkHeader): void {
  const { count } = header;
  if (!Number.isInteger(count) || count < 0 || count > COMPONENT_CHUNK_MAX_COUNT) {
    throw new RangeError(`component chunk count ${count} outside 0..${COMPONENT_CHUNK_MAX_COUNT}`);
  }
}

/** Writes the 64-byte header into the start of `target` (which must be at least that long). */
export function encodeComponentChunkHeader(target: ArrayBuffer, header: ComponentChunkHeader): void {
  checkHeader(header);
  const view = new DataView(target, 0, COMPONENT_CHUNK_HEADER_BYTES);
  for (let i = 0; i < COMPONENT_CHUNK_HEADER_BYTES; i++) view.setUint8(i, 0);
  view.setUint32(0, COMPONENT_CHUNK_MAGIC, true);
  view.setUint16(4, COMPONENT_CHUNK_VERSION, true);
  view.setUint16(6, COMPONENT_CHUNK_HEADER_BYTES, true);
  view.setUint32(8, header.count, true);
  view.setUint32(12, header.chunkIndex, true);
  view.setFloat64(16, header.originLng, true);
  view.setFloat64(24, header.originLat, true);
  view.setUint32(32, header.districtAdcode, true);
  view.setUint32(36, header.codeAdcode, true);
}

/** Allocates a whole chunk with its header written and returns writable column views over it. */
export function createComponentChunk(header: ComponentChunkHeader): ComponentChunk & { readonly buffer: ArrayBuffer } {
  checkHeader(header);
  const buffer = new ArrayBuffer(componentChunkByteLength(header.count));
  encodeComponentChunkHeader(buffer, header);
  return { buffer, header, ...columnsOver(buffer, header.count) };
}

export function decodeComponentChunkHeader(buffer: ArrayBuffer): ComponentChunkHeader {
  if (buffer.byteLength < COMPONENT_CHUNK_HEADER_BYTES) throw new RangeError('component chunk shorter than its header');
  const view = new DataView(buffer, 0, COMPONENT_CHUNK_HEADER_BYTES);
  if (view.getUint32(0, true) !== COMPONENT_CHUNK_MAGIC) throw new Error('not a component chunk (bad magic)');
  const version = view.getUint16(4, true);
  if (version !== COMPONENT_CHUNK_VERSION) throw new Error(`component chunk version ${version} is not supported`);
  if (view.getUint16(6, true) !== COMPONENT_CHUNK_HEADER_BYTES) throw new Error('unexpected component chunk header size');
  const header: ComponentChunkHeader = {
    count: view.getUint32(8, true),
    chunkIndex: view.getUint32(12, true),
    originLng: view.getFloat64(16, true),
    originLat: view.getFloat64(24, true),
    districtAdcode: view.getUint32(32, true),
    codeAdcode: view.getUint32(36, true),
  };
  checkHeader(header);
  return header;
}

/** Views over `buffer` (no copy). The buffer must hold exactly one chunk. */
export function decodeComponentChunk(buffer: ArrayBuffer): ComponentChunk {
  const header = decodeComponentChunkHeader(buffer);
  const expected = componentChunkByteLength(header.count);
  if (buffer.byteLength !== expected) {
    throw new RangeError(`component chunk is ${buffer.byteLength} bytes, expected ${expected}`);
  }
  return { header, ...columnsOver(buffer, header.count) };
}

/** WGS84 [lng, lat] of component `i`. Adds in Float64 so the origin keeps its full precision. */
export function componentLngLat(chunk: ComponentChunk, i: number): [number, number] {
  return [
    chunk.header.originLng + (chunk.lngOffset[i] ?? Number.NaN),
    chunk.header.originLat + (chunk.latOffset[i] ?? Number.NaN),
  ];
}
