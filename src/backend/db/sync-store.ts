import {
  MAX_SYNC_RECORD_BYTES,
  SyncRecordSchema,
  expectedKey,
  planVersionKey,
  recordBytes,
  type LoggedRecord,
  type PushResult,
  type SyncConflict,
  type SyncRecord,
  type SyncPage,
  type SyncRefusal,
} from '../../shared/sync/sync-records.js';
import type { Logger } from '../../node/logger.js';
import type { SqliteDatabase } from '../../node/sqlite.js';

interface LogRow {
  seq: number;
  body_json: string;
}

interface RunRow {
  owner_console: string;
  last_event_seq: number;
  finished: 0 | 1;
}

/**
 * The backend's copy of what consoles share: one append-only log in arrival order. A key is stored once; the same
 * record again is acknowledged as stored, a different body under a stored key is a conflict (the first stays).
 * Nothing enters the log that a console could not apply: a run needs its plan version, a run event its run, the next
 * number, an unfinished run and the console that drives it. What fails a check is refused with its reason, and the
 * records behind it in the same push are still stored.
 */
export class SyncStore {
  private readonly byKey;
  private readonly insert;
  private readonly insertConflict;
  private readonly after;
  private readonly runOf;
  private readonly insertRun;
  private readonly advanceRun;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly logger: Logger,
  ) {
    this.byKey = db.prepare<[string], { origin_console: string; body_json: string }>('SELECT origin_console, body_json FROM sync_log WHERE key = ?');
    this.insert = db.prepare('INSERT INTO sync_log (key, kind, origin_console, body_json, received_at) VALUES (?, ?, ?, ?, ?)');
    this.insertConflict = db.prepare('INSERT INTO sync_conflicts (key, kept_from, refused_from, refused_body_json, at) VALUES (?, ?, ?, ?, ?)');
    this.after = db.prepare<[number, number], LogRow>('SELECT seq, body_json FROM sync_log WHERE seq > ? ORDER BY seq LIMIT ?');
    this.runOf = db.prepare<[string], RunRow>('SELECT owner_console, last_event_seq, finished FROM sync_runs WHERE run_id = ?');
    this.insertRun = db.prepare('INSERT INTO sync_runs (run_id, owner_console, last_event_seq, finished) VALUES (?, ?, 0, 0)');
    this.advanceRun = db.prepare('UPDATE sync_runs SET owner_console = ?, last_event_seq = ?, finished = ? WHERE run_id = ?');
  }

  /**
   * Stores what is new from console `pusher`, in one transaction, each record checked against what is stored
   * before it (earlier records of the same push included); returns the outcome for the sender and the newly logged
   * records. `records` are unchecked input: each is parsed here.
   */
  push(records: readonly unknown[], pusher: string, now = new Date()): PushResult & { logged: LoggedRecord[] } {
    const stored: string[] = [];
    const conflicts: SyncConflict[] = [];
    const refused: SyncRefusal[] = [];
    const logged: LoggedRecord[] = [];
    this.db.transaction(() => {
      for (const raw of records) {
        const bytes = recordBytes(raw);
        if (bytes > MAX_SYNC_RECORD_BYTES) {
          refused.push({ key: keyOf(raw), reason: 'too-large', detail: `${bytes} bytes, at most ${MAX_SYNC_RECORD_BYTES}` });
          continue;
        }
        const parsed = SyncRecordSchema.safeParse(raw);
        if (!parsed.success) {
          refused.push({ key: keyOf(raw), reason: 'invalid-record', detail: parsed.error.issues[0]?.message.slice(0, 200) ?? 'not a sync record' });
          continue;
        }
        const record = parsed.data;
        const refusal = this.refusalOf(record, pusher);
        if (refusal !== null) {
          refused.push({ key: record.key, ...refusal });
          continue;
        }
        const body = JSON.stringify(record);
        const existing = this.byKey.get(record.key);
        if (existing) {
          if (sameContent(JSON.parse(existing.body_json) as SyncRecord, record)) {
            stored.push(record.key);
          } else {
            const conflict = { key: record.key, keptFrom: existing.origin_console, refusedFrom: record.origin, at: now.toISOString() };
            this.insertConflict.run(record.key, conflict.keptFrom, conflict.refusedFrom, body, conflict.at);
            conflicts.push(conflict);
            this.logger.warn('sync conflict', conflict);
          }
          continue;
        }
        const reference = this.referenceRefusal(record, pusher);
        if (reference !== null) {
          refused.push({ key: record.key, ...reference });
          continue;
        }
        const { lastInsertRowid } = this.insert.run(record.key, record.kind, record.origin, body, now.toISOString());
        this.track(record);
        logged.push({ seq: Number(lastInsertRowid), record });
        stored.push(record.key);
      }
    })();
    for (const refusal of refused) this.logger.warn('refused a sync record', { pusher, ...refusal });
    return { stored, conflicts, refused, logged };
  }

  /**
   * Everything logged after `after`, oldest first. A row this version cannot read (written by another version) is
   * left out and logged, so it cannot stop a console's catch-up for good.
   */
  pull(after: number, limit: number): SyncPage {
    const rows = this.after.all(after, limit);
    const records = rows.flatMap((row) => {
      const record = SyncRecordSchema.safeParse(parseJson(row.body_json));
      if (record.success) return [{ seq: row.seq, record: record.data }];
      this.logger.warn('left an unreadable sync log row out of a pull', { seq: row.seq });
      return [];
    });
    return { records, through: rows.at(-1)?.seq ?? after, more: rows.length === limit };
  }

  /** Checks that need no stored state: who may push it, and its key. */
  private refusalOf(record: SyncRecord, pusher: string): Omit<SyncRefusal, 'key'> | null {
    // A console speaks only for itself.
    if (record.origin !== pusher) return { reason: 'not-own-record', detail: `pushed by ${pusher.slice(0, 40)}, made by ${record.origin.slice(0, 40)}` };
    if (record.key !== expectedKey(record)) return { reason: 'bad-key', detail: `expected ${expectedKey(record).slice(0, 200)}` };
    return null;
  }

  /** Checks against what is stored: what a record refers to exists, and a run event is its run driver's next one. */
  private referenceRefusal(record: SyncRecord, pusher: string): Omit<SyncRefusal, 'key'> | null {
    switch (record.kind) {
      case 'plan-version':
        return null;
      case 'run': {
        const planKey = planVersionKey(record.body.planId, record.body.planVersion);
        return this.byKey.get(planKey) ? null : { reason: 'unknown-plan-version', detail: planKey };
      }
      case 'run-event': {
        const { runId, seq, event } = record.body;
        const run = this.runOf.get(runId);
        if (!run) return { reason: 'unknown-run', detail: runId };
        if (run.finished) return { reason: 'run-finished', detail: runId };
        if (event.type === 'run-handed-over') {
          const valid = event.from === run.owner_console && event.to === pusher && pusher !== run.owner_console;
          if (!valid) return { reason: 'bad-handover', detail: `the run is driven by ${run.owner_console.slice(0, 40)}` };
        } else if (run.owner_console !== pusher) {
          return { reason: 'not-run-owner', detail: `the run is driven by ${run.owner_console.slice(0, 40)}` };
        }
        if (seq !== run.last_event_seq + 1) return { reason: 'event-out-of-order', detail: `event ${seq}, the run's next is ${run.last_event_seq + 1}` };
        return null;
      }
    }
  }

  private track(record: SyncRecord): void {
    if (record.kind === 'run') {
      this.insertRun.run(record.body.runId, record.origin);
    } else if (record.kind === 'run-event') {
      const { runId, seq, event } = record.body;
      const run = this.runOf.get(runId) as RunRow;
      const owner = event.type === 'run-handed-over' ? event.to : run.owner_console;
      this.advanceRun.run(owner, seq, event.type === 'run-finished' ? 1 : 0, runId);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The key of a record that failed its schema, when it has a readable one (so the sender can set it aside). */
function keyOf(raw: unknown): string {
  const key = typeof raw === 'object' && raw !== null ? (raw as { key?: unknown }).key : undefined;
  return typeof key === 'string' ? key.slice(0, 300) : '';
}

/**
 * Whether a resent or parallel record carries what is already stored. Plan versions compare by the hash of their
 * source (two consoles loading the same file agree); everything else by its body, whoever sent it.
 */
function sameContent(stored: SyncRecord, incoming: SyncRecord): boolean {
  if (stored.kind === 'plan-version' && incoming.kind === 'plan-version') return stored.body.sha256 === incoming.body.sha256;
  return stored.kind === incoming.kind && JSON.stringify(stored.body) === JSON.stringify(incoming.body);
}
