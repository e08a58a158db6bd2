/**
 * The one source of time for the console core and the window engines. Wall time stamps what is recorded and shown
 * (runs, audit, stills, calls, a tile's last frame); the monotonic reading measures durations, which a wall clock
 * stepped by NTP would get wrong. `performance` and timers exist in Node and in browsers alike. Tests pass a clock
 * they move by hand (test/helpers/manual-clock.ts).
 */
export interface Clock {
  /** Wall time. */
  now(): Date;
  /** Milliseconds on a clock that never steps back; only differences mean anything. */
  monotonicMs(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What every runtime this file runs in (Node, browsers) provides; src/shared is typed without either's library. */
const runtime = globalThis as unknown as {
  performance: { now(): number };
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => runtime.performance.now(),
  setTimeout: (callback, ms) => runtime.setTimeout(callback, ms),
  clearTimeout: (handle) => runtime.clearTimeout(handle),
};
