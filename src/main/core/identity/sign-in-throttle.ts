/**
 * Slows password guessing: after five failures in a row for a user name or from an address, each further attempt
 * waits 2, 4, 8 … up to 300 seconds; a success clears the user name's count. Kept in memory: a restart forgets it,
 * which costs an attacker a restart they cannot cause.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, { count: number; until: number }>();
  private static readonly FREE_ATTEMPTS = 5;
  private static readonly MAX_WAIT_MS = 300_000;
  private static readonly MAX_KEYS = 10_000;

  constructor(private readonly now: () => number) {}

  /** Milliseconds to wait before another attempt for any of `keys` (0: go ahead). */
  waitFor(keys: readonly string[]): number {
    const now = this.now();
    return Math.max(0, ...keys.map((key) => (this.failures.get(key)?.until ?? 0) - now));
  }

  failed(keys: readonly string[]): void {
    const now = this.now();
    if (this.failures.size > SignInThrottle.MAX_KEYS) this.forgetOldest();
    for (const key of keys) {
      const count = (this.failures.get(key)?.count ?? 0) + 1;
      const over = count - SignInThrottle.FREE_ATTEMPTS;
      this.failures.set(key, { count, until: over > 0 ? now + Math.min(SignInThrottle.MAX_WAIT_MS, 1000 * 2 ** over) : 0 });
    }
  }

  succeeded(key: string): void {
    this.failures.delete(key);
  }

  /** How many names and addresses it remembers failures of. */
  get trackedKeys(): number {
    return this.failures.size;
  }

  /** A flood of names cannot grow the map without bound: the oldest half goes (Map keeps insertion order). */
  private forgetOldest(): void {
    let drop = Math.floor(this.failures.size / 2);
    for (const key of this.failures.keys()) {
      if (drop-- <= 0) break;
      this.failures.delete(key);
    }
  }
}
