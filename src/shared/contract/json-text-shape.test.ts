import { describe, expect, it } from 'vitest';
import { jsonTextShape } from './json-text-shape.js';

describe('jsonTextShape', () => {
  it('measures depth and the outer container’s items without parsing', () => {
    expect(jsonTextShape('1')).toEqual({ depth: 0, outerItems: 0 });
    expect(jsonTextShape('[]')).toEqual({ depth: 1, outerItems: 0 });
    expect(jsonTextShape('["a", 1, {"b": [2, 3]}, [[4]]]')).toEqual({ depth: 3, outerItems: 4 });
    expect(jsonTextShape('{"a": {"b": 1}, "c": 2}')).toEqual({ depth: 2, outerItems: 2 });
    // A socket.io packet: type, namespace and ack id before the arguments array.
    expect(jsonTextShape('2/ns,12["event",{"x":1},3]')).toEqual({ depth: 2, outerItems: 3 });
  });

  it('ignores brackets, commas and escaped quotes inside strings', () => {
    expect(jsonTextShape('["[[[{{,,", "a\\"[,", "\\\\"]')).toEqual({ depth: 1, outerItems: 3 });
  });

  it('reads 100,000 levels in one pass, valid or not', () => {
    expect(jsonTextShape('['.repeat(100_000)).depth).toBe(100_000);
    expect(jsonTextShape(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`)).toEqual({ depth: 100_000, outerItems: 1 });
  });
});
