import type { Logger } from './logger.js';

/** One kind of fault the process survived, as `/healthz` reports it. */
export interface Degradation {
  reason: string;
  count: number;
  firstAt: string;
  lastAt: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  degradations: Degradation[];
}

/** Distinct reasons kept; a flood of different messages must not grow the report (or memory) without bound. */
const MAX_REASONS = 20;
const OVERFLOW_REASON = 'further faults of other kinds (see the log)';

/**
 * The faults a process has survived but should not have met: programming errors caught at the last resort or in a
 * request handler. Any one of them makes the process `degraded` until it restarts, so an operator's monitor sees it
 * even though the process keeps serving.
 */
export class ProcessHealth {
  private readonly reasons = new Map<string, Degradation>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  record(reason: string): void {
    const at = this.now().toISOString();
    const key = this.reasons.has(reason) || this.reasons.size < MAX_REASONS - 1 ? reason : OVERFLOW_REASON;
    const known = this.reasons.get(key);
    if (known) {
      known.count += 1;
      known.lastAt = at;
    } else {
      this.reasons.set(key, { reason: key, count: 1, firstAt: at, lastAt: at });
    }
  }

  report(): HealthReport {
    const degradations = [...this.reasons.values()].map((entry) => ({ ...entry }));
    return { status: degradations.length === 0 ? 'ok' : 'degraded', degradations };
  }
}

/** The health of this process: the web host and its embedded backend share one. */
export const processHealth = new ProcessHealth();

/**
 * Logs an exception or rejection nothing else caught, with its stack, as the programming error it is, records it in
 * the process health and lets the process run on: one faulty path must not take down every wall screen. Returns a
 * function that removes the handlers.
 */
export function installLastResortHandlers(logger: Logger, health: ProcessHealth = processHealth): () => void {
  const report = (kind: 'uncaught exception' | 'unhandled rejection', error: unknown) => {
    const summary = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    logger.error(`programming error, ${kind} (the process keeps running): ${summary}`, { error });
    health.record(`${kind}: ${summary}`);
  };
  const onException = (error: Error) => report('uncaught exception', error);
  const onRejection = (reason: unknown) => report('unhandled rejection', reason);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
