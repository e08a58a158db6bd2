import { describe, expect, it } from 'vitest';
import { decodeGridCells, encodeGridCells } from './grid-cells.js';
import { createGridLookup } from './grid-lookup.js';

describe('grid lookup', () => {
  const origin = { lng: 106.5772, lat: 29.5576 };
  // A small square at 解放碑, a skewed quadrilateral beside it, and a large rural cell spanning many buckets.
  const corners = [
    106.577, 29.557, 106.578, 29.557, 106.578, 29.558, 106.577, 29.558,
    106.578, 29.557, 106.580, 29.5565, 106.5805, 29.5585, 106.578, 29.558,
    108.0, 30.0, 108.2, 30.0, 108.2, 30.15, 108.0, 30.15,
  ];
  const lookup = createGridLookup(decodeGridCells(encodeGridCells(origin, corners)));

  it('finds the cell a point stands in, including across bucket edges and in large cells', () => {
    expect(lookup.cellAt(106.5775, 29.5575)).toBe(0);
    expect(lookup.cellAt(106.5795, 29.5575)).toBe(1);
    expect(lookup.cellAt(108.1, 30.07)).toBe(2);
    expect(lookup.cellAt(108.199, 30.149)).toBe(2);
  });

  it('answers -1 outside every cell, also inside a cell’s bounding box but outside its skewed edge', () => {
    expect(lookup.cellAt(100, 20)).toBe(-1);
    expect(lookup.cellAt(106.5802, 29.5566)).toBe(-1);
  });
});
