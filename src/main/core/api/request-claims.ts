import type { Clock } from '../clock/index.js';
import { ApiFailure, apiError } from '../../../shared/contract/errors.js';

/** How long a request may wait for a window to claim it (claims are kept this long, then forgotten). */
export const CLAIM_WINDOW_MS = 60_000;

/**
 * Commands from one window to another go by request and claim, never through shared state: the host tells every
 * window that can carry a request out, and the first window to claim it does; a second claim is told no. Requests
 * older than the claim window are forgotten when the next one opens; claiming one then is answered `not-found`.
 */
export class RequestClaims {
  private readonly requests = new Map<string, { openedAt: number; winner: string | null }>();

  /** `what` names the request in the not-found answer, e.g. "call request". */
  constructor(
    private readonly what: string,
    /** A request's age is a duration: read on the monotonic clock, which a stepped wall clock cannot fool. */
    private readonly clock: Pick<Clock, 'monotonicMs'>,
  ) {}

  open(requestId: string): void {
    this.forgetOld();
    this.requests.set(requestId, { openedAt: this.clock.monotonicMs(), winner: null });
  }

  /** True for the window that claimed the request first (also when it claims it again), false for any other. */
  claim(requestId: string, clientId: string): boolean {
    const entry = this.requests.get(requestId);
    if (!entry) throw new ApiFailure(apiError('not-found', `No ${this.what} ${requestId} is waiting (it may be older than a minute).`));
    if (entry.winner !== null) return entry.winner === clientId;
    entry.winner = clientId;
    return true;
  }

  private forgetOld(): void {
    const oldest = this.clock.monotonicMs() - CLAIM_WINDOW_MS;
    for (const [id, entry] of this.requests) if (entry.openedAt < oldest) this.requests.delete(id);
  }
}
