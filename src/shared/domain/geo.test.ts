import { describe, expect, it } from 'vitest';
import { distanceMetres } from './geo.js';

describe('distanceMetres', () => {
  it('measures great-circle distance in metres', () => {
    // One degree of latitude is 111.2 km on the mean sphere.
    expect(distanceMetres([106.5, 29.5], [106.5, 30.5])).toBeCloseTo(111_195, -1);
    // A degree of longitude shrinks with the cosine of the latitude (Chongqing, ~29.6° N).
    expect(distanceMetres([106, 29.6], [107, 29.6])).toBeCloseTo(96_700, -3);
    expect(distanceMetres([106.5772, 29.5576], [106.5772, 29.5576])).toBe(0);
    expect(distanceMetres([106.5, 29.5], [106.6, 29.6])).toBe(distanceMetres([106.6, 29.6], [106.5, 29.5]));
  });
});
