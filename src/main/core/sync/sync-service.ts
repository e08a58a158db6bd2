import { SyncRecordSchema, type LoggedRecord, type SyncConflict, type SyncRecord, type SyncStatus } from '../../../shared/sync/sync-records.js';
import type { Logger } from '../../../node/logger.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';
import type { BackendLink } from '../backend-link/backend-link.js';
import type { Outbox } from './outbox.js';

const BATCH = 200;

export interface SyncTargets {
  /** Plan versions from other consoles were stored. */
  plansChanged(): void;
  /** A run of another console was created or moved on. */
  runChanged(runId: string): void;
  statusChanged(status: SyncStatus): void;
}

/**
 * Moves records between this console and the backend. Out: the outbox, in order, until the backend has every
 * record (resent after a lost connection; the backend keeps each key once). In: other consoles' records as they
 * arrive, and on every (re)connect everything logged since this console's cursor, so nothing missed while offline
 * is lost. Records from other consoles are stored as theirs and never re-enter this console's outbox.
 */
export class SyncService {
  private flushing = false;
  private again = false;
  private pulling: Promise<void> | null = null;
  private lastPushedAt: string | null = null;
  private readonly disposers: (() => void)[] = [];
  private readonly advanceCursor;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly outbox: Outbox,
    private readonly backend: BackendLink,
    private readonly consoleId: string,
    private readonly targets: SyncTargets,
    private readonly logger: Logger,
  ) {
    this.advanceCursor = db.prepare<[number]>('UPDATE sync_cursor SET pulled_through = MAX(pulled_through, ?) WHERE singleton = 1');
    this.disposers.push(
      outbox.onAdded(() => {
        this.publishStatus();
        void this.flush();
      }),
      backend.onSync({
        connected: () => void this.catchUp().then(() => this.flush()),
        records: (records) => this.applyAll(records),
        conflict: (conflict) => this.recordConflict(conflict),
      }),
    );
  }

  status(): SyncStatus {
    const conflicts = this.db
      .prepare<[], { key: string; kept_from: string; refused_from: string; at: string }>('SELECT key, kept_from, refused_from, at FROM sync_conflicts ORDER BY at')
      .all()
      .map((row) => ({ key: row.key, keptFrom: row.kept_from, refusedFrom: row.refused_from, at: row.at }));
    return { pending: this.outbox.pendingCount(), lastPushedAt: this.lastPushedAt, conflicts };
  }

  /** Sends the outbox in order, one batch in flight; a call while sending makes it go round once more. */
  async flush(): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.flushing = true;
    try {
      do {
        this.again = false;
        for (;;) {
          if (!this.backend.isConnected()) return;
          const batch = this.outbox.pending(BATCH);
          if (batch.length === 0) break;
          const result = await this.backend.push(batch);
          this.outbox.settled('stored', result.stored);
          this.outbox.settled('conflict', result.conflicts.map((conflict) => conflict.key));
          this.lastPushedAt = new Date().toISOString();
          for (const conflict of result.conflicts) this.recordConflict(conflict, false);
          this.publishStatus();
          // A batch the backend answered for none of would loop for ever; wait for the next trigger instead.
          if (result.stored.length + result.conflicts.length === 0) break;
        }
      } while (this.again);
    } catch (error) {
      this.logger.warn('sync push failed; the outbox keeps the records for the next connection', { error });
    } finally {
      this.flushing = false;
    }
  }

  /** Fetches everything logged since this console's cursor (what it missed while offline). */
  catchUp(): Promise<void> {
    this.pulling ??= (async () => {
      try {
        for (;;) {
          const after = this.cursor();
          const records = await this.backend.pull(after, 500);
          if (records.length === 0) return;
          this.applyAll(records);
        }
      } catch (error) {
        this.logger.warn('sync catch-up failed; it runs again on the next connection', { error });
      } finally {
        this.pulling = null;
      }
    })();
    return this.pulling;
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
  }

  private applyAll(records: LoggedRecord[]): void {
    const runs = new Set<string>();
    let plans = false;
    this.db.transaction(() => {
      for (const { seq, record } of records) {
        const parsed = SyncRecordSchema.safeParse(record);
        if (parsed.success && parsed.data.origin !== this.consoleId) {
          const applied = this.apply(parsed.data);
          if (applied === 'plan') plans = true;
          else if (applied) runs.add(applied);
        }
        this.advanceCursor.run(seq);
      }
    })();
    if (plans) this.targets.plansChanged();
    for (const runId of runs) {
      try {
        this.targets.runChanged(runId);
      } catch (error) {
        this.logger.warn('could not show a remote run', { runId, error });
      }
    }
  }

  /** Stores one record of another console; returns what it touched. Idempotent: a record seen before changes nothing. */
  private apply(record: SyncRecord): 'plan' | string | null {
    switch (record.kind) {
      case 'plan-version': {
        const { plan, sha256, sourceFile } = record.body;
        const existing = this.db
          .prepare<[string, number], { source_sha256: string; origin_console: string }>('SELECT source_sha256, origin_console FROM plan_versions WHERE plan_id = ? AND version = ?')
          .get(plan.id, plan.version);
        if (!existing) {
          this.db
            .prepare(
              `INSERT INTO plan_versions (plan_id, version, title_zh, title_en, source_file, source_sha256, body_json, origin_console, stored_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(plan.id, plan.version, plan.title.zh, plan.title.en, sourceFile, sha256, JSON.stringify(plan), record.origin, new Date().toISOString());
          return 'plan';
        }
        if (existing.source_sha256 !== sha256) {
          // Our own edit under the same version: keep ours here and show the conflict (the backend reports it too).
          this.recordConflict({ key: record.key, keptFrom: record.origin, refusedFrom: this.consoleId, at: new Date().toISOString() }, false);
        }
        return null;
      }
      case 'run': {
        const { runId, planId, planVersion, mode, drillId, startedAt } = record.body;
        this.db
          .prepare(
            `INSERT OR IGNORE INTO runs (run_id, plan_id, plan_version, mode, drill_id, status, started_at, updated_at, origin_console)
             VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?)`,
          )
          .run(runId, planId, planVersion, mode, drillId, startedAt, startedAt, record.origin);
        return runId;
      }
      case 'run-event': {
        const { runId, seq, event } = record.body;
        const count = this.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM run_events WHERE run_id = ?').get(runId)?.n ?? 0;
        if (seq <= count) return null;
        if (seq !== count + 1) {
          this.logger.warn('remote run event out of order; waiting for the catch-up to fill the gap', { runId, seq, count });
          return null;
        }
        this.db
          .prepare('INSERT INTO run_events (run_id, seq, at, type, body_json, origin_console) VALUES (?, ?, ?, ?, ?, ?)')
          .run(runId, seq, event.at, event.type, JSON.stringify(event), record.origin);
        if (event.type === 'run-finished') this.db.prepare('UPDATE runs SET status = ?, updated_at = ? WHERE run_id = ?').run(event.outcome, event.at, runId);
        return runId;
      }
    }
  }

  private recordConflict(conflict: SyncConflict, publish = true): void {
    this.db
      .prepare('INSERT OR IGNORE INTO sync_conflicts (key, kept_from, refused_from, at) VALUES (?, ?, ?, ?)')
      .run(conflict.key, conflict.keptFrom, conflict.refusedFrom, conflict.at);
    if (publish) this.publishStatus();
  }

  private cursor(): number {
    return this.db.prepare<[], { pulled_through: number }>('SELECT pulled_through FROM sync_cursor WHERE singleton = 1').get()?.pulled_through ?? 0;
  }

  private publishStatus(): void {
    this.targets.statusChanged(this.status());
  }
}
