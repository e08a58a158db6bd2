import { describe, expect, it } from 'vitest';
import {
  COMPONENT_CHUNK_HEADER_BYTES,
  COMPONENT_CHUNK_MAX_COUNT,
  componentChunkByteLength,
  componentLngLat,
  createComponentChunk,
  decodeComponentChunk,
  decodeComponentChunkHeader,
  encodeComponentChunkHeader,
} from './component-chunk.js';

const header = { count: 3, chunkIndex: 5, originLng: 106.5772, originLat: 29.5576, districtAdcode: 500190, codeAdcode: 500110 };

describe('component chunk codec', () => {
  it('round-trips header and columns, decoding as views over the same buffer', () => {
    const chunk = createComponentChunk(header);
    chunk.lngOffset.set([0.001, -0.25, 0.5]);
    chunk.latOffset.set([0.002, 0.3, -0.4]);
    chunk.cellIndex.set([0, 64_000, 4_000_000_000]);
    chunk.sequence.set([1, 2, 999_999]);
    chunk.subclass.set([0, 11, 45]);
    chunk.owner.set([1, 2, 3]);
    chunk.status.set([0, 1, 4]);
    expect(chunk.buffer.byteLength).toBe(componentChunkByteLength(3));

    const decoded = decodeComponentChunk(chunk.buffer);
    expect(decoded.header).toEqual(header);
    expect(decoded.lngOffset.buffer).toBe(chunk.buffer);
    expect(Array.from(decoded.cellIndex)).toEqual([0, 64_000, 4_000_000_000]);
    expect(Array.from(decoded.sequence)).toEqual([1, 2, 999_999]);
    expect(Array.from(decoded.subclass)).toEqual([0, 11, 45]);
    expect(Array.from(decoded.owner)).toEqual([1, 2, 3]);
    expect(Array.from(decoded.status)).toEqual([0, 1, 4]);
  });

  it('keeps positions to better than 0.5 m with Float32 offsets from the origin', () => {
    const chunk = createComponentChunk({ ...header, count: 1 });
    const lng = 107.234567891;
    const lat = 28.987654321;
    chunk.lngOffset[0] = lng - header.originLng;
    chunk.latOffset[0] = lat - header.originLat;
    const [dLng, dLat] = componentLngLat(decodeComponentChunk(chunk.buffer), 0);
    const metres = Math.hypot((dLng - lng) * 96_000, (dLat - lat) * 111_000);
    expect(metres).toBeLessThan(0.05);
  });

  it('rejects what is not a valid chunk', () => {
    expect(() => createComponentChunk({ ...header, count: COMPONENT_CHUNK_MAX_COUNT + 1 })).toThrow(RangeError);
    const buffer = new ArrayBuffer(componentChunkByteLength(2));
    expect(() => decodeComponentChunkHeader(buffer)).toThrow(/magic/);
    encodeComponentChunkHeader(buffer, { ...header, count: 2 });
    expect(decodeComponentChunk(buffer).header.count).toBe(2);
    expect(() => decodeComponentChunk(buffer.slice(0, buffer.byteLength - 1))).toThrow(RangeError);
    new DataView(buffer).setUint16(4, 99, true);
    expect(() => decodeComponentChunk(buffer)).toThrow(/version/);
    expect(() => decodeComponentChunkHeader(new ArrayBuffer(COMPONENT_CHUNK_HEADER_BYTES - 1))).toThrow(RangeError);
  });
});
