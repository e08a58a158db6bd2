import type { SetAsideRecord, SyncRecord, SyncRefusal } from '../../../shared/sync/sync-records.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';
import type { Clock } from '../clock/index.js';

interface OutboxRow {
  seq: number;
  body_json: string;
}

interface RefusedRow {
  key: string;
  body_json: string;
  refusal_reason: SyncRefusal['reason'];
  refusal_detail: string;
  settled_at: string;
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
  private readonly markRefused;
  private readonly refusedRows;
  private readonly countRefused;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.insert = db.prepare('INSERT OR IGNORE INTO outbox (key, body_json, created_at) VALUES (?, ?, ?)');
    this.pendingRows = db.prepare<[number], OutboxRow>('SELECT seq, body_json FROM outbox WHERE settled_at IS NULL ORDER BY seq LIMIT ?');
    this.markSettled = db.prepare<[string, string, string]>('UPDATE outbox SET settled_at = ?, outcome = ? WHERE key = ? AND settled_at IS NULL');
    this.countPending = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE settled_at IS NULL');
    this.markRefused = db.prepare<[string, string, string, string]>(
      "UPDATE outbox SET settled_at = ?, outcome = 'refused', refusal_reason = ?, refusal_detail = ? WHERE key = ? AND settled_at IS NULL",
    );
    this.refusedRows = db.prepare<[number], RefusedRow>(
      "SELECT key, body_json, refusal_reason, refusal_detail, settled_at FROM outbox WHERE outcome = 'refused' ORDER BY settled_at DESC, seq DESC LIMIT ?",
    );
    this.countRefused = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE outcome = 'refused'");
  }

  /** Call inside the writer's transaction; listeners hear of it once that transaction has committed. */
  add(record: SyncRecord): void {
    this.insert.run(record.key, JSON.stringify(record), this.clock.now().toISOString());
  }

  /** Writers call this after their transaction commits, so the sender never races a change that might roll back. */
  notifyAdded(): void {
    for (const listener of this.listeners) listener();
  }

  onAdded(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The oldest pending records, at most `limit` of them and `maxBytes` in all (the first one always, whatever its
   * size: the caller refuses one that is too large to send, rather than let it hold up the queue).
   */
  pending(limit: number, maxBytes = Number.POSITIVE_INFINITY): SyncRecord[] {
    const batch: SyncRecord[] = [];
    let bytes = 0;
    for (const row of this.pendingRows.iterate(limit)) {
      bytes += Buffer.byteLength(row.body_json);
      if (batch.length > 0 && bytes > maxBytes) break;
      batch.push(JSON.parse(row.body_json) as SyncRecord);
    }
    return batch;
  }

  /** The backend answered for these records: it stored them, or refused them as conflicts (kept in sync_conflicts). */
  settled(outcome: 'stored' | 'conflict', keys: readonly string[]): void {
    const at = this.clock.now();
    this.db.transaction(() => {
      for (const key of keys) this.markSettled.run(at.toISOString(), outcome, key);
    })();
  }

  /** Records that will not be sent again, with why: refused by the backend, or by this console as too large. */
  refused(refusals: readonly SyncRefusal[]): void {
    const at = this.clock.now();
    this.db.transaction(() => {
      for (const refusal of refusals) this.markRefused.run(at.toISOString(), refusal.reason, refusal.detail, refusal.key);
    })();
  }

  /**
   * Forgets records the backend stored before `before`: the backend keeps them for every console, so the outbox
   * (which otherwise grows with every operation) holds only what is pending, refused or recent. Returns how many.
   */
  pruneStored(before: Date): number {
    return this.db.prepare("DELETE FROM outbox WHERE outcome = 'stored' AND settled_at < ?").run(before.toISOString()).changes;
  }

  pendingCount(): number {
    return this.countPending.get()?.n ?? 0;
  }

  refusedCount(): number {
    return this.countRefused.get()?.n ?? 0;
  }

  /** The latest refused records, newest first. */
  latestRefused(limit: number): SetAsideRecord[] {
    return this.refusedRows.all(limit).map((row) => ({
      key: row.key,
      direction: 'out',
      origin: (JSON.parse(row.body_json) as SyncRecord).origin,
      reason: row.refusal_reason,
      detail: row.refusal_detail,
      at: row.settled_at,
    }));
  }
}
