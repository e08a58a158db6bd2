import { describe, expect, it } from 'vitest';
import { LogThrottle } from './log-throttle.js';

describe('LogThrottle', () => {
  it('lets one line per key through each period and counts the rest into the next', () => {
    const throttle = new LogThrottle(10_000);
    expect(throttle.take('a', 0)).toEqual({ due: true, suppressed: 0 });
    expect(throttle.take('a', 5_000)).toEqual({ due: false });
    expect(throttle.take('b', 5_000)).toEqual({ due: true, suppressed: 0 });
    expect(throttle.take('a', 9_999)).toEqual({ due: false });
    expect(throttle.take('a', 10_000)).toEqual({ due: true, suppressed: 2 });
  });

  it('keeps a bounded number of keys, forgetting the oldest', () => {
    const throttle = new LogThrottle(10_000, 2);
    throttle.take('a', 0);
    throttle.take('b', 0);
    throttle.take('c', 0);
    // 'a' was forgotten: due again at once; 'c' is still held back.
    expect(throttle.take('a', 1)).toEqual({ due: true, suppressed: 0 });
    expect(throttle.take('c', 1)).toEqual({ due: false });
  });
});
