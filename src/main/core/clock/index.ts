/**
 * The console core's one source of time. Wall time stamps what is recorded and shown (runs, audit, stills, focus);
 * the monotonic reading measures durations, which a wall clock stepped by NTP would get wrong. Tests pass a clock
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

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
