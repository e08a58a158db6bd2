import { describe, expect, it } from 'vitest';
import { SignInThrottle } from './sign-in-throttle.js';

describe('sign-in throttle', () => {
  it('lets five failures through, then makes each further attempt wait twice as long, up to five minutes', () => {
    let now = 0;
    const throttle = new SignInThrottle(() => now);
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(throttle.waitFor(['user:a'])).toBe(0);
      throttle.failed(['user:a']);
    }
    expect(throttle.waitFor(['user:a'])).toBe(0);
    throttle.failed(['user:a']);
    expect(throttle.waitFor(['user:a'])).toBe(2000);
    now += 2000;
    throttle.failed(['user:a']);
    expect(throttle.waitFor(['user:a'])).toBe(4000);
    for (let attempt = 0; attempt < 20; attempt++) throttle.failed(['user:a']);
    expect(throttle.waitFor(['user:a'])).toBe(300_000);
  });

  it('counts an address across user names, and a success clears only the user name', () => {
    const throttle = new SignInThrottle(() => 0);
    for (let attempt = 0; attempt < 6; attempt++) throttle.failed([`user:u${attempt}`, 'address:10.0.0.9']);
    expect(throttle.waitFor(['user:other', 'address:10.0.0.9'])).toBeGreaterThan(0);
    expect(throttle.waitFor(['user:other', 'address:10.0.0.10'])).toBe(0);
    throttle.succeeded('user:u5');
    expect(throttle.waitFor(['address:10.0.0.9'])).toBeGreaterThan(0);
  });

  it('keeps its memory bounded under a flood of names', () => {
    const throttle = new SignInThrottle(() => 0);
    for (let attempt = 0; attempt < 25_000; attempt++) throttle.failed([`user:${attempt}`]);
    expect(throttle.trackedKeys).toBeLessThanOrEqual(10_001);
  });
});
