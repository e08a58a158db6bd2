import { SyncRecordSchema, type LoggedRecord, type PushResult, type SyncConflict, type SyncRecord } from '../../shared/sync/sync-records.js';
import type { Logger } from '../../node/logger.js';
import type { SqliteDatabase } from '../../node/sqlite.js';

interface LogRow {
  seq: number;
  body_json: string;
}

/**
 * The backend's copy of what consoles share: one append-only log in arrival order. A key is stored once; the same
 * record again is acknowledged as stored, a different body under a stored key is a conflict (the first stays).
 */
export class SyncStore {
  private readonly byKey;
  private readonly insert;
  private readonly insertConflict;
  private readonly after;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly logger: Logger,
  ) {
    this.byKey = db.prepare<[string], { origin_console: string; body_json: string }>('SELECT origin_console, body_json FROM sync_log WHERE key = ?');
    this.insert = db.prepare('INSERT INTO sync_log (key, kind, origin_console, body_json, received_at) VALUES (?, ?, ?, ?, ?)');
    this.insertConflict = db.prepare('INSERT INTO sync_conflicts (key, kept_from, refused_from, refused_body_json, at) VALUES (?, ?, ?, ?, ?)');
    this.after = db.prepare<[number, number], LogRow>('SELECT seq, body_json FROM sync_log WHERE seq > ? ORDER BY seq LIMIT ?');
  }

  /** Stores what is new, in one transaction; returns the outcome for the sender and the newly logged records. */
  push(records: readonly SyncRecord[], now = new Date()): PushResult & { logged: LoggedRecord[] } {
    const stored: string[] = [];
    const conflicts: SyncConflict[] = [];
    const logged: LoggedRecord[] = [];
    this.db.transaction(() => {
      for (const record of records) {
        const body = JSON.stringify(record);
        const existing = this.byKey.get(record.key);
        if (!existing) {
          const { lastInsertRowid } = this.insert.run(record.key, record.kind, record.origin, body, now.toISOString());
          logged.push({ seq: Number(lastInsertRowid), record });
          stored.push(record.key);
        } else if (sameContent(JSON.parse(existing.body_json) as SyncRecord, record)) {
          stored.push(record.key);
        } else {
          const conflict = { key: record.key, keptFrom: existing.origin_console, refusedFrom: record.origin, at: now.toISOString() };
          this.insertConflict.run(record.key, conflict.keptFrom, conflict.refusedFrom, body, conflict.at);
          conflicts.push(conflict);
          this.logger.warn('sync conflict', conflict);
        }
      }
    })();
    return { stored, conflicts, logged };
  }

  pull(after: number, limit: number): LoggedRecord[] {
    return this.after.all(after, limit).map((row) => ({ seq: row.seq, record: SyncRecordSchema.parse(JSON.parse(row.body_json)) }));
  }
}

/**
 * Whether a resent or parallel record carries what is already stored. Plan versions compare by the hash of their
 * source (two consoles loading the same file agree); everything else by its body, whoever sent it.
 */
function sameContent(stored: SyncRecord, incoming: SyncRecord): boolean {
  if (stored.kind === 'plan-version' && incoming.kind === 'plan-version') return stored.body.sha256 === incoming.body.sha256;
  return stored.kind === incoming.kind && JSON.stringify(stored.body) === JSON.stringify(incoming.body);
}
