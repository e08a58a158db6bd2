import { describe, expect, it } from 'vitest';
import {
  componentCode,
  gridCellCode,
  parseComponentCode,
  parseGridCellCode,
  parseVideoDeviceCode,
  videoDeviceCode,
} from './codes.js';

describe('city codes', () => {
  it('builds and parses 15-digit grid cell codes on a community code', () => {
    const code = gridCellCode('500103001003', 7);
    expect(code).toBe('500103001003007');
    expect(parseGridCellCode(code)).toEqual({
      adcode: '500103',
      streetCode: '500103001',
      communityCode: '500103001003',
      sequence: 7,
    });
    expect(() => gridCellCode('500103001003', 1000)).toThrow(RangeError);
    expect(() => gridCellCode('50010300100', 1)).toThrow(RangeError);
    expect(parseGridCellCode('5001030010030071')).toBeNull();
  });

  it('builds and parses 16-digit component codes', () => {
    const code = componentCode('500103', '0112', 42);
    expect(code).toBe('5001030112000042');
    expect(parseComponentCode(code)).toEqual({ adcode: '500103', majorCode: '01', subclassCode: '0112', sequence: 42 });
    expect(() => componentCode('500103', '0112', 1_000_000)).toThrow(RangeError);
    expect(() => componentCode('500103', '0112', 0)).toThrow(RangeError);
  });

  it('builds GB/T 28181 20-digit video device codes', () => {
    const code = videoDeviceCode('500103', 12);
    expect(code).toHaveLength(20);
    expect(parseVideoDeviceCode(code)).toEqual({ centreCode: '50010300', industry: '08', type: '132', network: '6', sequence: 12 });
  });
});
