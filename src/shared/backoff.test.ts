import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

const policy = { initialMs: 500, maxMs: 8000, jitter: 0.2 };

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap', () => {
    const middle = [0, 1, 2, 3, 4, 5, 10, 1000].map((attempt) => backoffDelay(policy, attempt, 0.5));
    expect(middle).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000, 8000]);
  });

  it('spreads each delay by the jitter fraction either way and never above the cap', () => {
    expect(backoffDelay(policy, 0, 0)).toBe(400);
    expect(backoffDelay(policy, 0, 0.999_999)).toBe(600);
    expect(backoffDelay(policy, 2, 0)).toBe(1600);
    expect(backoffDelay(policy, 9, 0)).toBe(6400);
    expect(backoffDelay(policy, 9, 0.999_999)).toBe(8000);
  });

  it('draws different delays for clients that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(policy, 3)));
    expect(delays.size).toBeGreaterThan(10);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(3200);
    expect(Math.max(...delays)).toBeLessThanOrEqual(4800);
  });

  it('takes another growth factor and treats odd attempt numbers as the nearest sensible one', () => {
    expect(backoffDelay({ initialMs: 1000, maxMs: 60_000, jitter: 0, factor: 3 }, 2)).toBe(9000);
    expect(backoffDelay(policy, -3, 0.5)).toBe(500);
    expect(backoffDelay(policy, 1.7, 0.5)).toBe(1000);
  });
});
