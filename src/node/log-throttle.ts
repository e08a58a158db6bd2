/**
 * At most one log line per key (a source and reason, a remote address) in each period; the lines left out are counted
 * and reported with the next one. A flood of refused requests then costs a line every period, not a line each. The
 * keys kept are bounded (the oldest forgotten first), so a flood from many addresses cannot grow it either.
 */
export class LogThrottle {
  private readonly lastLine = new Map<string, { atMs: number; suppressed: number }>();

  constructor(
    private readonly periodMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Whether a line for `key` is due now, and how many were left out since the last one. */
  take(key: string, nowMs: number): { due: true; suppressed: number } | { due: false } {
    const last = this.lastLine.get(key);
    if (last !== undefined && nowMs - last.atMs < this.periodMs) {
      last.suppressed += 1;
      return { due: false };
    }
    this.lastLine.delete(key);
    if (this.lastLine.size >= this.maxKeys) this.lastLine.delete(this.lastLine.keys().next().value as string);
    this.lastLine.set(key, { atMs: nowMs, suppressed: 0 });
    return { due: true, suppressed: last?.suppressed ?? 0 };
  }
}
