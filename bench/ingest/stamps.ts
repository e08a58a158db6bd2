/**
 * How a console tells when a message it sees was published. The registry passes on a vehicle's position and a changed
 * sensor's value, not the message's `at`, so the publisher writes its publication time (ms) into those, in a form that
 * survives the registry's rounding (positions to 6 decimals, values to 2), modulo a period far longer than any latency:
 *  - a vehicle's longitude is 100 + (ms mod 10^7) / 10^6, in [100, 110);
 *  - an alarm's value is 10^6 + (ms mod 10^8) / 100, in [10^6, 2·10^6), far above any sensor's own readings.
 * The relay's consoles read `at` from the raw text instead (the same instant, as ISO 8601).
 */
const LNG_BASE = 100;
const LNG_PERIOD_MS = 1e7;
const VALUE_BASE = 1e6;
const VALUE_PERIOD_MS = 1e8;

export const stampLongitude = (publishedMs: number) => LNG_BASE + (publishedMs % LNG_PERIOD_MS) / 1e6;
export const stampValue = (publishedMs: number) => VALUE_BASE + (publishedMs % VALUE_PERIOD_MS) / 100;

/** The latest publication time at or before `receivedMs` that leaves `residue` modulo `period`. */
const unwrap = (residue: number, period: number, receivedMs: number) => receivedMs - ((((receivedMs - residue) % period) + period) % period);

export const publishedFromLongitude = (lng: number, receivedMs: number) => unwrap(Math.round((lng - LNG_BASE) * 1e6), LNG_PERIOD_MS, receivedMs);
/** Null for a value that is not a stamp (a sensor's own reading turned its state back). */
export const publishedFromValue = (value: number, receivedMs: number) =>
  value >= VALUE_BASE && value < 2 * VALUE_BASE ? unwrap(Math.round((value - VALUE_BASE) * 100), VALUE_PERIOD_MS, receivedMs) : null;

/** `"at":"<ISO 8601>"` as the publisher writes it, read without parsing the rest of the message. */
export function publishedFromRawText(text: string): number | null {
  const start = text.indexOf('"at":"');
  if (start < 0) return null;
  const ms = Date.parse(text.slice(start + 6, start + 30));
  return Number.isNaN(ms) ? null : ms;
}

/** Latencies in 1 ms buckets up to 2 minutes: percentiles of millions of samples without keeping them. */
export class LatencyHistogram {
  private readonly buckets = new Uint32Array(120_001);
  count = 0;

  add(ms: number): void {
    const bucket = Math.max(0, Math.min(120_000, Math.round(ms)));
    this.buckets[bucket] = (this.buckets[bucket] as number) + 1;
    this.count += 1;
  }

  percentile(fraction: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.ceil(fraction * this.count);
    let seen = 0;
    for (let ms = 0; ms < this.buckets.length; ms += 1) {
      seen += this.buckets[ms] as number;
      if (seen >= rank) return ms;
    }
    return 120_000;
  }

  reset(): void {
    this.buckets.fill(0);
    this.count = 0;
  }
}
