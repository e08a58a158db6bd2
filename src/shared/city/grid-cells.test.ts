import { describe, expect, it } from 'vitest';
import { decodeGridCells, encodeGridCells, gridCellRing, gridCellsByteLength } from './grid-cells.js';

describe('grid cell codec', () => {
  const origin = { lng: 106.5772, lat: 29.5576 };
  // Two cells: one at 解放碑, one in 巫山, 3.3 degrees away (the worst case for Float32 offsets).
  const corners = [
    106.577, 29.557, 106.578, 29.557, 106.578, 29.558, 106.577, 29.558,
    109.878, 31.074, 109.8795, 31.074, 109.8795, 31.0755, 109.878, 31.0755,
  ];

  it('round-trips corners to within a few centimetres', () => {
    const buffer = encodeGridCells(origin, corners);
    expect(buffer.byteLength).toBe(gridCellsByteLength(2));
    const cells = decodeGridCells(buffer);
    expect(cells.header).toEqual({ cellCount: 2, cornersPerCell: 4, originLng: origin.lng, originLat: origin.lat });
    expect(cells.corners.buffer).toBe(buffer);
    for (let cell = 0; cell < 2; cell++) {
      const ring = gridCellRing(cells, cell);
      expect(ring).toHaveLength(5);
      expect(ring[4]).toEqual(ring[0]);
      ring.slice(0, 4).forEach(([lng, lat], k) => {
        expect(Math.abs(lng - (corners[cell * 8 + k * 2] as number)) * 96_000).toBeLessThan(0.1);
        expect(Math.abs(lat - (corners[cell * 8 + k * 2 + 1] as number)) * 111_000).toBeLessThan(0.1);
      });
    }
  });

  it('rejects a wrong magic or length', () => {
    const buffer = encodeGridCells(origin, corners);
    expect(() => decodeGridCells(buffer.slice(0, buffer.byteLength - 4))).toThrow(RangeError);
    new DataView(buffer).setUint32(0, 0, true);
    expect(() => decodeGridCells(buffer)).toThrow(/magic/);
    expect(() => encodeGridCells(origin, [1, 2, 3])).toThrow(RangeError);
  });
});
