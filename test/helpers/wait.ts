/** How often a wait looks again: often enough not to lengthen a test, rarely enough not to load a busy machine. */
const LOOK_AGAIN_MS = 100;

const pause = () => new Promise((resolve) => setTimeout(resolve, LOOK_AGAIN_MS));

/**
 * Reads `read` until `accept` holds and returns that value; fails after `timeoutMs` naming `what` was awaited and the
 * last value read. For set-up code, plain Node tests and waits that return what they saw, where vitest's expect.poll
 * does not fit.
 */
export async function waitUntil<T>(read: () => T | Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (accept(last)) return last;
    await pause();
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)}).`);
}

/**
 * Checks that `accept` keeps holding over the whole of `ms`, failing at the first value it rejects, named by `what`.
 * Only for tests whose point is that something does not happen for a while (a held call stays silent) and no later
 * event can show it instead: each use says why.
 */
export async function holdsThroughout<T>(ms: number, read: () => T | Promise<T>, accept: (value: T) => boolean, what: string): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (!accept(value)) throw new Error(`Expected ${what} for ${ms} ms, but after ${ms - (until - Date.now())} ms read ${JSON.stringify(value)}.`);
    if (Date.now() >= until) return;
    await pause();
  }
}
