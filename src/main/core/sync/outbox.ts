import type { SyncRecord } from '../../../shared/sync/sync-records.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';

interface OutboxRow {
  seq: number;
  body_json: string;
}

/**
 * Records waiting for the backend. Writers add to it inside the same transaction as the change itself, so a change
 * is never stored without its record (or the other way round); rows stay pending until the backend has answered.
 */
export class Outbox {
  private readonly insert;
  private readonly pendingRows;
  private readonly markSettled;
  private readonly countPending;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly db: SqliteDatabase) {
    this.insert = db.prepare('INSERT OR IGNORE INTO outbox (key, body_json, created_at) VALUES (?, ?, ?)');
    this.pendingRows = db.prepare<[number], OutboxRow>('SELECT seq, body_json FROM outbox WHERE settled_at IS NULL ORDER BY seq LIMIT ?');
    this.markSettled = db.prepare<[string, string, string]>('UPDATE outbox SET settled_at = ?, outcome = ? WHERE key = ? AND settled_at IS NULL');
    this.countPending = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE settled_at IS NULL');
  }

  /** Call inside the writer's transaction; listeners hear of it once that transaction has committed. */
  add(record: SyncRecord): void {
    this.insert.run(record.key, JSON.stringify(record), new Date().toISOString());
  }

  /** Writers call this after their transaction commits, so the sender never races a change that might roll back. */
  notifyAdded(): void {
    for (const listener of this.listeners) listener();
  }

  onAdded(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  pending(limit: number): SyncRecord[] {
    return this.pendingRows.all(limit).map((row) => JSON.parse(row.body_json) as SyncRecord);
  }

  /** The backend answered for these records: it stored them, or refused them as conflicts (kept in sync_conflicts). */
  settled(outcome: 'stored' | 'conflict', keys: readonly string[], at = new Date()): void {
    this.db.transaction(() => {
      for (const key of keys) this.markSettled.run(at.toISOString(), outcome, key);
    })();
  }

  pendingCount(): number {
    return this.countPending.get()?.n ?? 0;
  }
}
