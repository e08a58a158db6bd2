/** Shared by the city build's tests: reading chunks back and measuring where components stand. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { componentLngLat, decodeComponentChunk, type ComponentChunk } from '../../src/shared/city/index.js';

export async function readArrayBuffer(path: string): Promise<ArrayBuffer> {
  const bytes = await readFile(path);
  // Node pools small reads into a shared buffer; the codec wants a buffer of its own.
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export async function readChunk(dir: string, path: string): Promise<ComponentChunk> {
  return decodeComponentChunk(await readArrayBuffer(join(dir, path)));
}

/**
 * Where component `i` stands relative to its cell's quadrilateral (corners as interleaved lng, lat, 4 per cell,
 * counter-clockwise), in metres: how far outside it is (0 when inside) and how far from the nearest edge.
 */
export function placeInCell(chunk: ComponentChunk, i: number, corners: ArrayLike<number>): { outside: number; fromEdge: number } {
  const [lng, lat] = componentLngLat(chunk, i);
  const cell = chunk.cellIndex[i] ?? 0;
  const kx = 111_320 * Math.cos((lat * Math.PI) / 180);
  const ky = 110_574;
  let outside = 0;
  let fromEdge = Infinity;
  for (let k = 0; k < 4; k++) {
    const ax = ((corners[cell * 8 + k * 2] ?? 0) - lng) * kx;
    const ay = ((corners[cell * 8 + k * 2 + 1] ?? 0) - lat) * ky;
    const bx = ((corners[cell * 8 + ((k + 1) % 4) * 2] ?? 0) - lng) * kx;
    const by = ((corners[cell * 8 + ((k + 1) % 4) * 2 + 1] ?? 0) - lat) * ky;
    // Signed distance of the point from edge a->b; the inside of a counter-clockwise ring is on the left (positive).
    const length = Math.hypot(bx - ax, by - ay) || 1;
    const signed = (ax * by - ay * bx) / length;
    outside = Math.max(outside, -signed);
    fromEdge = Math.min(fromEdge, Math.abs(signed));
  }
  return { outside, fromEdge };
}
