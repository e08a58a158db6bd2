/**
 * How long to wait before a retry: exponential from `initialMs`, capped at `maxMs`, spread by ±`jitter` (a fraction)
 * so that many clients that lost the same server do not all come back in the same instant.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** 0 to 1: each delay is drawn from [delay × (1 − jitter), delay × (1 + jitter)], never above `maxMs`. */
  jitter: number;
  /** Growth per attempt; 2 when not given. */
  factor?: number;
}

/** The delay before retry number `attempt` (0 for the first), with `random` a draw from [0, 1). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: number = Math.random()): number {
  const exponent = Math.max(0, Math.floor(attempt));
  const base = Math.min(policy.maxMs, policy.initialMs * (policy.factor ?? 2) ** exponent);
  const spread = base * policy.jitter * (2 * random - 1);
  return Math.round(Math.min(policy.maxMs, Math.max(0, base + spread)));
}
