import { IncidentSchema, type Incident } from '../../shared/domain/feed.js';
import type { Logger } from '../../node/logger.js';
import { sql } from 'kysely';
import type { BackendStore } from './backend-store.js';

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

/** Rows per INSERT: far below both engines' limits on bound parameters (SQLite 32766, PostgreSQL 65535). */
const ROWS_PER_STATEMENT = 500;

/**
 * Incidents survive a backend restart; a row that no longer parses is logged and skipped, never deleted. Closed
 * incidents older than CLOSED_INCIDENT_RETENTION_DAYS are deleted, so a backend running for months does not fill its disk.
 */
export class IncidentRepository {
  private readonly pending = new Map<string, Incident>();
  private failure: { since: string; error: string; loggedAt: number } | null = null;
  private writing: Promise<boolean> | null = null;
  private queued: Promise<boolean> | null = null;

  constructor(
    private readonly store: BackendStore,
    private readonly logger: Logger,
  ) {}

  /** Writes `incidents` in one transaction, each replacing its earlier version; throws when the database refuses. */
  async saveAll(incidents: readonly Incident[]): Promise<void> {
    // One row per id (the last given), since one statement may not change a row twice on PostgreSQL.
    const rows = [...new Map(incidents.map((incident) => [incident.id, incident])).values()].map((incident) => ({
      id: incident.id,
      state: incident.state,
      reported_at: incident.reportedAt,
      updated_at: incident.updatedAt,
      body_json: JSON.stringify(incident),
    }));
    if (rows.length === 0) return;
    await this.store.db.transaction().execute(async (trx) => {
      for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
        await trx
          .insertInto('incidents')
          .values(rows.slice(start, start + ROWS_PER_STATEMENT))
          .onConflict((conflict) =>
            conflict.column('id').doUpdateSet((eb) => ({ state: eb.ref('excluded.state'), updated_at: eb.ref('excluded.updated_at'), body_json: eb.ref('excluded.body_json') })),
          )
          .execute();
      }
    });
  }

  /**
   * Writes `incidents` and whatever an earlier failed write left, in one transaction. A failure (a full disk, a
   * read-only file, a database out of reach) never rejects: the incidents wait in memory for the next call, the failure
   * is logged (at most once a minute) and shown by writeHealth(). Resolves to whether everything is stored.
   *
   * One write runs at a time, so an older version of an incident never lands after a newer one; calls made while one
   * runs share the next, so a slow database (a connection timing out) does not pile up a write per tick.
   */
  save(incidents: readonly Incident[], now = new Date()): Promise<boolean> {
    for (const incident of incidents) this.pending.set(incident.id, incident);
    if (this.writing === null) return this.startWrite(now);
    this.queued ??= this.writing.then(() => {
      this.queued = null;
      return this.startWrite(now);
    });
    return this.queued;
  }

  private startWrite(now: Date): Promise<boolean> {
    const write = this.writePending(now).finally(() => {
      if (this.writing === write) this.writing = null;
    });
    this.writing = write;
    return write;
  }

  private async writePending(now: Date): Promise<boolean> {
    if (this.pending.size === 0) return true;
    const batch = [...this.pending.values()];
    try {
      await this.saveAll(batch);
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
    if (this.failure !== null) this.logger.info('incidents are written to the database again', { written: batch.length, failingSince: this.failure.since });
    this.failure = null;
    // A newer version given while this write ran stays pending for the next.
    for (const incident of batch) if (this.pending.get(incident.id) === incident) this.pending.delete(incident.id);
    return true;
  }

  writeHealth(): IncidentWriteHealth {
    return { ok: this.failure === null, pending: this.pending.size, failingSince: this.failure?.since ?? null, lastError: this.failure?.error ?? null };
  }

  /** Deletes closed incidents last changed before the retention; resolves to how many. A failure is logged, not thrown. */
  async pruneClosed(now: Date): Promise<number> {
    try {
      const before = new Date(now.getTime() - CLOSED_INCIDENT_RETENTION_DAYS * 86_400_000).toISOString();
      const result = await this.store.db.deleteFrom('incidents').where('state', '=', 'closed').where('updated_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    } catch (error) {
      this.logger.warn('old closed incidents could not be deleted; tried again later', { error: (error as Error).message });
      return 0;
    }
  }

  /** The newest `limit` incidents, open ones first. */
  async recent(limit = 500): Promise<Incident[]> {
    const rows = await this.store.db
      .selectFrom('incidents')
      .select(['id', 'body_json'])
      .orderBy(sql`state = 'closed'`)
      .orderBy('reported_at', 'desc')
      .limit(limit)
      .execute();
    const out: Incident[] = [];
    for (const row of rows) {
      try {
        out.push(IncidentSchema.parse(JSON.parse(row.body_json)));
      } catch (error) {
        this.logger.warn('skipped an unreadable incident row', { id: row.id, error });
      }
    }
    return out;
  }
}
