/** How fast one source may send: `perSecond` on average, `burst` at once after a quiet spell. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/**
 * A token bucket on a monotonic clock: full (`burst` tokens) at first, refilled at `perSecond`; each message takes one.
 * A device that reconnects after an outage and sends its backlog at once fits in the burst.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    readonly limit: RateLimit,
    nowMs: number,
  ) {
    this.tokens = limit.burst;
    this.refilledAt = nowMs;
  }

  /** Takes a token when there is one; false when the source is over its rate. */
  take(nowMs: number): boolean {
    const elapsed = Math.max(0, nowMs - this.refilledAt);
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed / 1000) * this.limit.perSecond);
    this.refilledAt = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Counts in one-second slots over the last minute, for a messages-per-second figure that follows bursts and lulls. */
export class MinuteRate {
  private readonly slots = new Array<number>(60).fill(0);
  private slotSecond = 0;

  constructor(nowMs: number) {
    this.slotSecond = Math.floor(nowMs / 1000);
  }

  count(nowMs: number): void {
    this.advance(nowMs);
    this.slots[this.slotSecond % 60] = (this.slots[this.slotSecond % 60] ?? 0) + 1;
  }

  /** The average per second over the last 60 s. */
  perSecond(nowMs: number): number {
    this.advance(nowMs);
    return this.slots.reduce((sum, value) => sum + value, 0) / 60;
  }

  /** Empties the slots of the seconds that passed since the last count. */
  private advance(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    for (let passed = this.slotSecond + 1; passed <= Math.min(second, this.slotSecond + 60); passed += 1) this.slots[passed % 60] = 0;
    this.slotSecond = Math.max(this.slotSecond, second);
  }
}
