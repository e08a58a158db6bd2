import { callProblem, CallProblemSchema, type CallProblem } from '../../../shared/dispatch/call-problem.js';
import { CallRecordSchema, type CallRecord } from '../../../shared/dispatch/call-record.js';
import type { Logger } from '../../../node/logger.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';

interface CallLogRow {
  id: string;
  direction: string;
  media: string;
  peer_user: string;
  peer_name: string | null;
  crew_id: string | null;
  priority: string;
  started_at: string;
  answered_at: string | null;
  ended_at: string | null;
  outcome: string;
  error: string | null;
  incident_id: string | null;
  run_id: string | null;
  drill: number;
  group_call_id: string | null;
  operator: string;
}

/** The problem a call gets when the console stopped during it (and the marker that lets its real end still be written). */
const CLOSED_AT_START = JSON.stringify(callProblem('console-stopped'));

const columns =
  'id, direction, media, peer_user, peer_name, crew_id, priority, started_at, answered_at, ended_at, outcome, error, incident_id, run_id, drill, group_call_id, operator';

/** The console's call log: one row per call, replaced as the call moves on. */
export class CallLogRepository {
  private readonly upsert;
  private readonly selectRecent;
  private readonly selectSince;
  private readonly selectOne;
  private readonly closeOpenRows;

  constructor(
    db: SqliteDatabase,
    private readonly logger: Logger,
  ) {
    this.upsert = db.prepare<[CallLogRow & { updated_at: string }]>(
      `INSERT INTO call_log (${columns}, updated_at) VALUES (@id, @direction, @media, @peer_user, @peer_name, @crew_id, @priority,
         @started_at, @answered_at, @ended_at, @outcome, @error, @incident_id, @run_id, @drill, @group_call_id, @operator, @updated_at)
       ON CONFLICT (id) DO UPDATE SET media = excluded.media, peer_name = excluded.peer_name, crew_id = excluded.crew_id,
         priority = excluded.priority, answered_at = excluded.answered_at, ended_at = excluded.ended_at, outcome = excluded.outcome,
         error = excluded.error, incident_id = excluded.incident_id, run_id = excluded.run_id, group_call_id = excluded.group_call_id,
         updated_at = excluded.updated_at`,
    );
    this.selectRecent = db.prepare<[number], CallLogRow>(`SELECT ${columns} FROM call_log ORDER BY started_at DESC, id LIMIT ?`);
    this.selectSince = db.prepare<[string], CallLogRow>(`SELECT ${columns} FROM call_log WHERE started_at >= ? ORDER BY started_at`);
    this.selectOne = db.prepare<[string], CallLogRow>(`SELECT ${columns} FROM call_log WHERE id = ?`);
    this.closeOpenRows = db.prepare<[string]>(
      `UPDATE call_log SET ended_at = updated_at, error = ?,
         outcome = CASE outcome WHEN 'talking' THEN 'failed' WHEN 'ringing' THEN CASE direction WHEN 'incoming' THEN 'missed' ELSE 'failed' END ELSE outcome END
       WHERE ended_at IS NULL`,
    );
  }

  /**
   * Writes a call's current state. A finished call is never reopened: a late or replayed update of a call that has
   * already ended is ignored, so the log keeps the first end it was told. The one exception is a call closed at start
   * because the console had stopped during it: a browser window that kept the call going may still tell its real end.
   */
  save(record: CallRecord, at: Date): CallRecord {
    const stored = this.get(record.id);
    if (stored !== null && stored.endedAt !== null && stored.problem?.code !== 'console-stopped') return stored;
    if (stored !== null && (stored.direction !== record.direction || stored.peer.user !== record.peer.user || stored.startedAt !== record.startedAt)) {
      throw new Error(`Call ${record.id} is already logged with another peer, direction or start.`);
    }
    this.upsert.run({ ...toRow(record), updated_at: at.toISOString() });
    return record;
  }

  /** Calls the log still has open when the console starts ended with it: they end where they were last written. */
  closeOpen(): number {
    return this.closeOpenRows.run(CLOSED_AT_START).changes;
  }

  get(id: string): CallRecord | null {
    const row = this.selectOne.get(id);
    return row === undefined ? null : this.fromRow(row);
  }

  recent(limit: number): CallRecord[] {
    return this.selectRecent.all(limit).flatMap((row) => {
      const record = this.fromRow(row);
      return record === null ? [] : [record];
    });
  }

  since(at: Date): CallRecord[] {
    return this.selectSince.all(at.toISOString()).flatMap((row) => {
      const record = this.fromRow(row);
      return record === null ? [] : [record];
    });
  }

  private fromRow(row: CallLogRow): CallRecord | null {
    const parsed = CallRecordSchema.safeParse({
      id: row.id,
      direction: row.direction,
      media: row.media,
      peer: { user: row.peer_user, name: row.peer_name, crewId: row.crew_id },
      priority: row.priority,
      startedAt: row.started_at,
      answeredAt: row.answered_at,
      endedAt: row.ended_at,
      outcome: row.outcome,
      problem: problemOfColumn(row.error),
      incidentId: row.incident_id,
      runId: row.run_id,
      drill: row.drill === 1,
      groupCallId: row.group_call_id,
      operator: row.operator,
    });
    if (!parsed.success) {
      this.logger.warn('call log row unreadable', { id: row.id });
      return null;
    }
    return parsed.data;
  }
}

function toRow(record: CallRecord): CallLogRow {
  return {
    id: record.id,
    direction: record.direction,
    media: record.media,
    peer_user: record.peer.user,
    peer_name: record.peer.name,
    crew_id: record.peer.crewId,
    priority: record.priority,
    started_at: record.startedAt,
    answered_at: record.answeredAt,
    ended_at: record.endedAt,
    outcome: record.outcome,
    error: record.problem === null ? null : JSON.stringify(record.problem),
    incident_id: record.incidentId,
    run_id: record.runId,
    drill: record.drill ? 1 : 0,
    group_call_id: record.groupCallId,
    operator: record.operator,
  };
}

/**
 * The `error` column holds a problem as JSON (migration 11 turned older bilingual text into codes); text that is not
 * one stays readable as the detail of a failed call.
 */
function problemOfColumn(value: string | null): CallProblem | null {
  if (value === null) return null;
  if (value.startsWith('{')) {
    const parsed = CallProblemSchema.safeParse(JSON.parse(value));
    if (parsed.success) return parsed.data;
  }
  return callProblem('call-failed', value);
}
