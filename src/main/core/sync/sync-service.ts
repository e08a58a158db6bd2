import {
  MAX_SYNC_BATCH_BYTES,
  MAX_SYNC_RECORD_BYTES,
  SyncRecordSchema,
  recordBytes,
  type LoggedRecord,
  type SetAsideRecord,
  type SyncConflict,
  type SyncRecord,
  type SyncRefusalReason,
  type SyncStatus,
} from '../../../shared/sync/sync-records.js';
import { backoffDelay, type BackoffPolicy } from '../../../shared/backoff.js';
import type { Logger } from '../../../node/logger.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';
import type { Clock } from '../clock/index.js';
import { PlanRepository, RunRepository, planSourceMismatch } from '../plans/index.js';
import type { BackendLink } from '../backend-link/index.js';
import type { Outbox } from './outbox.js';

const BATCH_RECORDS = 200;
const PAGE = 500;
/** Live records held while a gap before them is fetched; past this, the catch-up brings them instead. */
const BUFFER_LIMIT = 5000;
/** Catch-up rounds one trigger may take (each one a full pull to the end of the log). */
const MAX_CATCH_UP_ROUNDS = 10;
/** How many set-aside records the status carries (the footer shows the latest; the count covers all). */
const STATUS_SET_ASIDE = 20;
/** A failed push or pull is tried again after a delay that doubles while failures go on. */
const RETRY: BackoffPolicy = { initialMs: 500, maxMs: 30_000, jitter: 0.25 };
/** Records the backend stored are kept in the outbox this long (for a look back), then forgotten. */
const KEEP_STORED_MS = 7 * 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;

/** What the sync service needs of the backend connection. */
/** What sync needs of the backend link: its state, its two sync methods (through `call`) and its sync events. */
export type SyncLink = Pick<BackendLink, 'isConnected' | 'call' | 'onSync'>;

export interface SyncTargets {
  /** Plan versions from other consoles were stored. */
  plansChanged(): void;
  /** A run of another console was created or moved on (or handed over). */
  runChanged(runId: string): void;
  statusChanged(status: SyncStatus): void;
}

/** A received record this console cannot apply: it is set aside with this reason, and sync goes on. */
class NotApplicable extends Error {
  constructor(
    readonly reason: SyncRefusalReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/**
 * Moves records between this console and the backend, each exactly once.
 *
 * Out: the outbox, in order, in batches under the backend's size cap, until the backend has answered for every record
 * (resent after a lost connection; the backend keeps each key once). A record the backend refuses, or one too large to
 * send, is settled as refused with its reason, so it never holds up the records behind it.
 *
 * In: the backend numbers its log, and this console's cursor is the number it has applied through, moved only over
 * records it holds in order. Live records that arrive past a gap wait in a buffer while a pull (everything after the
 * cursor, page by page) fills it; both are deduplicated by number. A record this console cannot apply is set aside
 * with its reason (shown in the footer) and the cursor goes on. Records from other consoles are stored as theirs and
 * never re-enter this console's outbox.
 */
export class SyncService {
  private flushing = false;
  private flushAgain = false;
  private pulling: Promise<void> | null = null;
  private pullAgain = false;
  /** Something was set aside while applying: the footer's figures changed. */
  private statusStale = false;
  private lastPushedAt: string | null = null;
  private cursorValue: number;
  private readonly buffered = new Map<number, LoggedRecord>();
  private retryTimer: unknown = null;
  private pruneTimer: unknown = null;
  private retryAttempt = 0;
  private readonly disposers: (() => void)[] = [];
  private readonly statements;
  private readonly plans: PlanRepository;
  private readonly runs: RunRepository;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly outbox: Outbox,
    private readonly backend: SyncLink,
    private readonly consoleId: string,
    private readonly targets: SyncTargets,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    this.statements = {
      cursor: db.prepare<[], { pulled_through: number }>('SELECT pulled_through FROM sync_cursor WHERE singleton = 1'),
      setCursor: db.prepare<[number]>('UPDATE sync_cursor SET pulled_through = ? WHERE singleton = 1'),
      setAside: db.prepare('INSERT OR IGNORE INTO sync_set_aside (seq, key, origin_console, reason, detail, body_json, at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      setAsideCount: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM sync_set_aside'),
      setAsideLatest: db.prepare<[number], { key: string; origin_console: string; reason: SyncRefusalReason; detail: string; at: string }>(
        'SELECT key, origin_console, reason, detail, at FROM sync_set_aside ORDER BY at DESC, seq DESC LIMIT ?',
      ),
      conflicts: db.prepare<[], { key: string; kept_from: string; refused_from: string; at: string }>('SELECT key, kept_from, refused_from, at FROM sync_conflicts ORDER BY at'),
      insertConflict: db.prepare('INSERT OR IGNORE INTO sync_conflicts (key, kept_from, refused_from, at) VALUES (?, ?, ?, ?)'),
    };
    // Other consoles' plans and runs are stored as this console stores its own: through the plans feature's repositories.
    this.plans = new PlanRepository(db);
    this.runs = new RunRepository(db);
    this.cursorValue = this.statements.cursor.get()?.pulled_through ?? 0;
    this.pruneOutbox();
    this.disposers.push(
      outbox.onAdded(() => {
        this.publishStatus();
        void this.flush();
      }),
      backend.onSync({
        connected: () => {
          // Whatever was buffered before the link dropped is fetched again by the catch-up.
          this.buffered.clear();
          void this.catchUp().then(() => this.flush());
        },
        records: (records) => this.receive(records),
        conflict: (conflict) => this.recordConflict(conflict),
      }),
    );
  }

  status(): SyncStatus {
    const conflicts = this.statements.conflicts
      .all()
      .map((row) => ({ key: row.key, keptFrom: row.kept_from, refusedFrom: row.refused_from, at: row.at }));
    const received: SetAsideRecord[] = this.statements.setAsideLatest.all(STATUS_SET_ASIDE).map((row) => ({
      key: row.key,
      direction: 'in',
      origin: row.origin_console,
      reason: row.reason,
      detail: row.detail,
      at: row.at,
    }));
    const setAside = [...received, ...this.outbox.latestRefused(STATUS_SET_ASIDE)].sort((a, b) => b.at.localeCompare(a.at)).slice(0, STATUS_SET_ASIDE);
    return {
      pending: this.outbox.pendingCount(),
      lastPushedAt: this.lastPushedAt,
      conflicts,
      setAsideCount: (this.statements.setAsideCount.get()?.n ?? 0) + this.outbox.refusedCount(),
      setAside,
      cursor: this.cursorValue,
    };
  }

  /** Sends the outbox in order, one batch in flight; a call while sending makes it go round once more. */
  async flush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    this.flushing = true;
    try {
      do {
        this.flushAgain = false;
        for (;;) {
          if (!this.backend.isConnected()) return;
          const batch = this.outbox.pending(BATCH_RECORDS, MAX_SYNC_BATCH_BYTES);
          if (batch.length === 0) break;
          const tooLarge = batch.filter((record) => recordBytes(record) > MAX_SYNC_RECORD_BYTES);
          if (tooLarge.length > 0) {
            this.refuse(tooLarge.map((record) => ({ key: record.key, reason: 'too-large', detail: `${recordBytes(record)} bytes, at most ${MAX_SYNC_RECORD_BYTES}` })));
            continue;
          }
          const result = await this.backend.call('sync:push', batch);
          this.outbox.settled('stored', result.stored);
          this.outbox.settled('conflict', result.conflicts.map((conflict) => conflict.key));
          const sent = new Set(batch.map((record) => record.key));
          this.refuse(result.refused.filter((refusal) => sent.has(refusal.key)));
          this.lastPushedAt = this.clock.now().toISOString();
          for (const conflict of result.conflicts) this.recordConflict(conflict, false);
          this.publishStatus();
          // A batch the backend answered for none of would loop for ever; wait for the next trigger instead.
          if (result.stored.length + result.conflicts.length + result.refused.length === 0) break;
        }
      } while (this.flushAgain);
      this.retryAttempt = 0;
    } catch (error) {
      this.logger.warn('sync push failed; the outbox keeps the records and tries again', { error });
      this.retryLater();
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Fetches everything logged after the cursor, page by page, to the end of the log; runs again while live records
   * wait behind a gap. One catch-up at a time: a call during one asks for another round.
   */
  catchUp(): Promise<void> {
    if (this.pulling) {
      this.pullAgain = true;
      return this.pulling;
    }
    // Checked here, not only in the loop: an async body that returned before its first await would clear `pulling`
    // before the promise is assigned to it, and every later catch-up would wait on a promise already settled.
    if (!this.backend.isConnected()) return Promise.resolve();
    this.pulling = (async () => {
      try {
        let rounds = 0;
        do {
          this.pullAgain = false;
          for (;;) {
            if (!this.backend.isConnected()) return;
            const page = await this.backend.call('sync:pull', { after: this.cursorValue, limit: PAGE });
            this.applyInOrder(
              page.records.filter((logged) => logged.seq > this.cursorValue),
              page.through,
            );
            this.drain();
            if (!page.more) break;
          }
        } while ((this.pullAgain || this.buffered.size > 0) && ++rounds < MAX_CATCH_UP_ROUNDS);
      } catch (error) {
        this.logger.warn('sync catch-up failed; it tries again', { error });
        this.retryLater();
      } finally {
        this.pulling = null;
      }
    })();
    return this.pulling;
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
    this.buffered.clear();
    for (const timer of [this.retryTimer, this.pruneTimer]) if (timer !== null) this.clock.clearTimeout(timer);
    this.retryTimer = null;
    this.pruneTimer = null;
  }

  /** Prunes now and again every PRUNE_EVERY_MS while the service runs. */
  private pruneOutbox(): void {
    try {
      const pruned = this.outbox.pruneStored(new Date(this.clock.now().getTime() - KEEP_STORED_MS));
      if (pruned > 0) this.logger.info('forgot outbox records the backend stored over a week ago', { pruned });
    } catch (error) {
      // A full disk or a busy database: the records stay, and the next round tries again.
      this.logger.warn('could not prune the outbox', { error });
    }
    this.pruneTimer = this.clock.setTimeout(() => this.pruneOutbox(), PRUNE_EVERY_MS);
  }

  /**
   * After a failed push or pull (a timeout under load, a backend restarting) both run again later, so records never
   * wait for an unrelated trigger; the delay doubles while failures go on and carries jitter so that consoles
   * reconnecting together do not retry in step.
   */
  private retryLater(): void {
    if (this.retryTimer !== null || this.disposers.length === 0) return;
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = null;
      void this.catchUp().then(() => this.flush());
    }, backoffDelay(RETRY, this.retryAttempt++));
  }

  /** Live records, in the backend's order; those past a gap wait for the catch-up that fills it. */
  private receive(records: LoggedRecord[]): void {
    let overflowed = false;
    for (const logged of records) {
      if (logged.seq <= this.cursorValue) continue;
      if (this.buffered.size < BUFFER_LIMIT) this.buffered.set(logged.seq, logged);
      else overflowed = true;
    }
    this.drain();
    if (this.buffered.size > 0 || overflowed) void this.catchUp();
  }

  /** Applies the buffered records that follow the cursor without a gap. */
  private drain(): void {
    for (const seq of this.buffered.keys()) if (seq <= this.cursorValue) this.buffered.delete(seq);
    const ready: LoggedRecord[] = [];
    for (let next = this.cursorValue + 1; this.buffered.has(next); next++) {
      ready.push(this.buffered.get(next) as LoggedRecord);
      this.buffered.delete(next);
    }
    const last = ready.at(-1);
    if (last) this.applyInOrder(ready, last.seq);
  }

  /** Applies `records` (in sequence order, all past the cursor) and moves the cursor to `through`, in one transaction. */
  private applyInOrder(records: readonly LoggedRecord[], through: number): void {
    if (through <= this.cursorValue && records.length === 0) return;
    const runs = new Set<string>();
    let plans = false;
    this.statusStale = false;
    this.db.transaction(() => {
      for (const logged of records) {
        const outcome = this.applyOne(logged);
        if (outcome === 'plan') plans = true;
        else if (outcome !== null && outcome !== 'set-aside') runs.add(outcome);
      }
      const cursor = Math.max(this.cursorValue, through);
      this.statements.setCursor.run(cursor);
      this.cursorValue = cursor;
    })();
    if (plans) this.targets.plansChanged();
    for (const runId of runs) {
      try {
        this.targets.runChanged(runId);
      } catch (error) {
        this.logger.warn('could not show a remote run', { runId, error });
      }
    }
    if (this.statusStale) this.publishStatus();
  }

  /** One received record, in its own savepoint: applied, skipped (ours, or seen before), or set aside. */
  private applyOne(logged: LoggedRecord): 'plan' | 'set-aside' | string | null {
    const parsed = SyncRecordSchema.safeParse(logged.record);
    if (!parsed.success) return this.setAside(logged, 'invalid-record', parsed.error.issues[0]?.message ?? 'not a sync record');
    const record = parsed.data;
    // Our own records are already here: written locally before they went out.
    if (record.origin === this.consoleId) return null;
    try {
      return this.db.transaction(() => this.apply(record))();
    } catch (error) {
      if (error instanceof NotApplicable) {
        this.setAside(logged, error.reason, error.detail);
        if (record.kind !== 'run-event' || record.body.event.type !== 'run-handed-over' || error.reason !== 'conflicting-event') return 'set-aside';
        // The run was handed over while this console had events of its own not yet synced: those stay here, set
        // against the new driver's, but the new driver is the one this console follows (and stops driving) from now on.
        this.runs.setDriver(record.body.runId, record.body.event.to, record.body.event.at);
        return record.body.runId;
      }
      this.logger.error('could not apply a synced record; it is set aside', { key: record.key, seq: logged.seq, error });
      return this.setAside(logged, 'apply-failed', error instanceof Error ? error.message : String(error));
    }
  }

  /** Stores one record of another console; returns what it touched. Idempotent: a record seen before changes nothing. */
  private apply(record: SyncRecord): 'plan' | string | null {
    const now = this.clock.now();
    switch (record.kind) {
      case 'plan-version': {
        const { plan, sha256, sourceFile, sourceText } = record.body;
        // A text that is not the version it comes with would export as a plan other than the one that runs.
        const mismatch = sourceText === undefined ? null : planSourceMismatch({ plan, sha256, sourceFile, sourceText });
        if (mismatch) throw new NotApplicable('source-mismatch', mismatch);
        const existing = this.plans.find(plan.id, plan.version);
        if (!existing) {
          // A console that predates source texts sends none: its version exports as the stored plan in YAML.
          this.plans.insert({ plan, sourceFile, sourceSha256: sha256, sourceText: sourceText ?? null, originConsole: record.origin, storedAt: now });
          return 'plan';
        }
        if (existing.sourceSha256 !== sha256) {
          // Our own edit under the same version: keep ours here and show the conflict (the backend reports it too).
          this.recordConflict({ key: record.key, keptFrom: record.origin, refusedFrom: this.consoleId, at: now.toISOString() }, false);
        }
        return null;
      }
      case 'run': {
        const { runId, planId, planVersion, mode, drillId, startedAt } = record.body;
        if (!this.plans.exists(planId, planVersion)) throw new NotApplicable('unknown-plan-version', `${planId}@${planVersion}`);
        this.runs.insert({ runId, planId, planVersion, mode, drillId, startedAt, originConsole: record.origin });
        return runId;
      }
      case 'run-event': {
        const { runId, seq, event } = record.body;
        if (!this.runs.find(runId)) throw new NotApplicable('unknown-run', runId);
        if (event.type === 'run-handed-over') this.runs.setDriver(runId, event.to, event.at);
        const count = this.runs.eventCount(runId);
        if (seq <= count) {
          if (this.runs.holdsEvent(runId, seq, event)) return null;
          throw new NotApplicable('conflicting-event', `event ${seq} of ${runId} differs from the one this console holds`);
        }
        if (seq !== count + 1) throw new NotApplicable('event-out-of-order', `event ${seq} of ${runId}, this console holds ${count}`);
        this.runs.appendEvent(runId, seq, event, record.origin);
        if (event.type === 'run-finished') this.runs.setStatus(runId, event.outcome, event.at);
        return runId;
      }
    }
  }

  private setAside(logged: LoggedRecord, reason: SyncRefusalReason, detail: string): 'set-aside' {
    const record = logged.record as Partial<SyncRecord>;
    const key = typeof record.key === 'string' ? record.key : `#${logged.seq}`;
    const origin = typeof record.origin === 'string' ? record.origin : '';
    this.statements.setAside.run(logged.seq, key, origin, reason, detail.slice(0, 500), JSON.stringify(logged.record), this.clock.now().toISOString());
    this.logger.warn('set aside a synced record this console cannot apply', { seq: logged.seq, key, origin, reason, detail });
    this.statusStale = true;
    return 'set-aside';
  }

  private refuse(refusals: { key: string; reason: SyncRefusalReason; detail: string }[]): void {
    if (refusals.length === 0) return;
    this.outbox.refused(refusals);
    for (const refusal of refusals) this.logger.warn('a record of this console was refused; it is kept aside', refusal);
    this.publishStatus();
  }

  private recordConflict(conflict: SyncConflict, publish = true): void {
    this.statements.insertConflict.run(conflict.key, conflict.keptFrom, conflict.refusedFrom, conflict.at);
    if (publish) this.publishStatus();
  }

  private publishStatus(): void {
    this.targets.statusChanged(this.status());
  }
}
