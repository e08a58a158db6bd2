import { IncidentSchema, type Incident } from '../../shared/domain/feed.js';
import type { Logger } from '../../node/logger.js';
import type { SqliteDatabase } from '../../node/sqlite.js';

interface IncidentRow {
  id: string;
  body_json: string;
}

/** Incidents survive a backend restart; a row that no longer parses is logged and skipped, never deleted. */
export class IncidentRepository {
  private readonly upsert;
  private readonly selectRecent;

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
    this.saveAll = db.transaction((incidents: readonly Incident[]) => {
      for (const incident of incidents) {
        this.upsert.run(incident.id, incident.state, incident.reportedAt, incident.updatedAt, JSON.stringify(incident));
      }
    });
  }

  readonly saveAll: (incidents: readonly Incident[]) => void;

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
