import { IncidentSchema, type Incident } from '../../shared/domain/feed.js';
import type { Logger } from '../../node/logger.js';
import type { SqliteDatabase } from '../../node/sqlite.js';

interface IncidentRow {
  id: string;
  body_json: string;
}

/** Whether incidents reach the disk: a failing write (a full disk) is shown in health, not hidden in the log. */
export interface IncidentWriteHealth {
  ok: boolean;
  /** Incidents whose newest version is not on disk yet (written with the next that succeeds). */
  pending: number;
  /** ISO time of the first failure since the last success; null when writes succeed. */
  failingSince: string | null;
  lastError: string | null;
}

/** Closed incidents are kept this long in the database (the live list keeps only the newest 200 of them). */
export const CLOSED_INCIDENT_RETENTION_DAYS = 30;
/** A write failing again is logged at most this often. */
const WRITE_FAILURE_LOG_INTERVAL_MS = 60_000;

/**
 * Incidents survive a backend restart; a row that no longer parses is logged and skipped, never deleted. Closed
 * incidents older than CLOSED_INCIDENT_RETENTION_DAYS are deleted, so a backend running for months does not fill its disk.
 */
export class IncidentRepository {
  private readonly upsert;
  private readonly selectRecent;
  private readonly deleteClosedBefore;
  private readonly pending = new Map<string, Incident>();
  private failure: { since: string; error: string; loggedAt: number } | null = null;

  constructor(
    db: SqliteDatabase,
    private readonly logger: Logger,
  ) {
    this.upsert = db.prepare<[string, string, string, string, string]>(
      `INSERT INTO incidents (id, state, reported_at, updated_at, body_json) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, body_json = excluded.body_json`,
    );
    this.selectRecent = db.prepare<[number], IncidentRow>(
      `SELECT id, body_json FROM incidents ORDER BY (state = 'closed'), reported_at DESC LIMIT ?`,
    );
    this.deleteClosedBefore = db.prepare<[string]>(`DELETE FROM incidents WHERE state = 'closed' AND updated_at < ?`);
    this.saveAll = db.transaction((incidents: readonly Incident[]) => {
      for (const incident of incidents) {
        this.upsert.run(incident.id, incident.state, incident.reportedAt, incident.updatedAt, JSON.stringify(incident));
      }
    });
  }

  readonly saveAll: (incidents: readonly Incident[]) => void;

  /**
   * Writes `incidents` and whatever an earlier failed write left, in one transaction. A failure (a full disk, a
   * read-only file) never throws: the incidents wait in memory for the next call, the failure is logged (at most once a
   * minute) and shown by writeHealth(). Returns whether everything is on disk.
   */
  save(incidents: readonly Incident[], now = new Date()): boolean {
    for (const incident of incidents) this.pending.set(incident.id, incident);
    if (this.pending.size === 0) return true;
    try {
      this.saveAll([...this.pending.values()]);
    } catch (error) {
      const message = (error as Error).message;
      const clock = performance.now();
      if (this.failure === null || clock - this.failure.loggedAt >= WRITE_FAILURE_LOG_INTERVAL_MS) {
        this.logger.error('incidents cannot be written to the database; kept in memory and retried', { error: message, pending: this.pending.size });
        this.failure = { since: this.failure?.since ?? now.toISOString(), error: message, loggedAt: clock };
      } else {
        this.failure = { ...this.failure, error: message };
      }
      return false;
    }
    if (this.failure !== null) this.logger.info('incidents are written to the database again', { written: this.pending.size, failingSince: this.failure.since });
    this.failure = null;
    this.pending.clear();
    return true;
  }

  writeHealth(): IncidentWriteHealth {
    return { ok: this.failure === null, pending: this.pending.size, failingSince: this.failure?.since ?? null, lastError: this.failure?.error ?? null };
  }

  /** Deletes closed incidents last changed before the retention; returns how many. A failure is logged, not thrown. */
  pruneClosed(now: Date): number {
    try {
      const before = new Date(now.getTime() - CLOSED_INCIDENT_RETENTION_DAYS * 86_400_000).toISOString();
      return this.deleteClosedBefore.run(before).changes;
    } catch (error) {
      this.logger.warn('old closed incidents could not be deleted; tried again later', { error: (error as Error).message });
      return 0;
    }
  }

  recent(limit = 500): Incident[] {
    const out: Incident[] = [];
    for (const row of this.selectRecent.all(limit)) {
      try {
        out.push(IncidentSchema.parse(JSON.parse(row.body_json)));
      } catch (error) {
        this.logger.warn('skipped an unreadable incident row', { id: row.id, error });
      }
    }
    return out;
  }
}
