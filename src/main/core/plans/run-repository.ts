import { isDeepStrictEqual } from 'node:util';
import { RunEventSchema, type RunEvent, type RunIncident, type RunMode } from '../../../shared/plans/run-model.js';
import type { RunEventRecord, RunSummary } from '../../../shared/plans/plan-views.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';

interface RunRow {
  run_id: string;
  plan_id: string;
  plan_version: number;
  origin_console: string;
}

interface RunListRow extends RunRow {
  mode: RunMode;
  drill_id: string | null;
  status: RunSummary['status'];
  started_at: string;
  started_json: string;
}

interface EventRow {
  seq: number;
  body_json: string;
  origin_console: string;
}

/** A run as its row keeps it: which plan version it runs and which console drives it. */
export interface StoredRun {
  runId: string;
  planId: string;
  planVersion: number;
  /** The console that drives the run (changes when the run is handed over). */
  originConsole: string;
}

export interface NewRun extends StoredRun {
  mode: RunMode;
  drillId: string | null;
  startedAt: string;
}

/** One of the latest runs, read from its row and its first event (no replay). */
export interface ListedRun extends StoredRun {
  mode: RunMode;
  drillId: string | null;
  status: RunSummary['status'];
  startedAt: string;
  incident: RunIncident | null;
}

/**
 * Runs and their append-only event log in the console database (tables runs and run_events): the only code that
 * reads or writes them, for this console's run service and for the runs synced from other consoles. A run's row is
 * an index of its events (status, driver, last change); the events are the record.
 */
export class RunRepository {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    this.statements = {
      insert: db.prepare(
        `INSERT OR IGNORE INTO runs (run_id, plan_id, plan_version, mode, drill_id, status, started_at, updated_at, origin_console)
         VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?)`,
      ),
      find: db.prepare<[string], RunRow>('SELECT run_id, plan_id, plan_version, origin_console FROM runs WHERE run_id = ?'),
      active: db.prepare<[string], { run_id: string; mode: RunMode }>(
        "SELECT run_id, mode FROM runs WHERE status = 'active' AND origin_console = ? ORDER BY started_at, run_id",
      ),
      latest: db.prepare<[number], RunListRow>(
        `SELECT r.run_id, r.plan_id, r.plan_version, r.origin_console, r.mode, r.drill_id, r.status, r.started_at, e.body_json AS started_json
         FROM runs r JOIN run_events e ON e.run_id = r.run_id AND e.seq = 1
         ORDER BY r.started_at DESC LIMIT ?`,
      ),
      setStatus: db.prepare('UPDATE runs SET status = ?, updated_at = ? WHERE run_id = ?'),
      setDriver: db.prepare('UPDATE runs SET origin_console = ?, updated_at = ? WHERE run_id = ?'),
      incidents: db.prepare<[], { id: string }>(
        "SELECT DISTINCT json_extract(body_json, '$.incident.id') AS id FROM run_events WHERE seq = 1 AND id IS NOT NULL",
      ),
      eventCount: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM run_events WHERE run_id = ?'),
      event: db.prepare<[string, number], EventRow>('SELECT seq, body_json, origin_console FROM run_events WHERE run_id = ? AND seq = ?'),
      events: db.prepare<[string], EventRow>('SELECT seq, body_json, origin_console FROM run_events WHERE run_id = ? ORDER BY seq'),
      insertEvent: db.prepare('INSERT INTO run_events (run_id, seq, at, type, body_json, origin_console) VALUES (?, ?, ?, ?, ?, ?)'),
    };
  }

  /** Stores a new, active run; answers false (and changes nothing) when a run of that id is already stored. */
  insert(run: NewRun): boolean {
    return this.statements.insert.run(run.runId, run.planId, run.planVersion, run.mode, run.drillId, run.startedAt, run.startedAt, run.originConsole).changes > 0;
  }

  find(runId: string): StoredRun | undefined {
    const row = this.statements.find.get(runId);
    return row && { runId: row.run_id, planId: row.plan_id, planVersion: row.plan_version, originConsole: row.origin_console };
  }

  /** Active runs driven by `origin`, oldest first; only drills with `mode: 'drill'`. */
  activeRunIds(origin: string, mode?: RunMode): string[] {
    return this.statements.active
      .all(origin)
      .filter((row) => mode === undefined || row.mode === mode)
      .map((row) => row.run_id);
  }

  /** The `limit` latest runs, newest first. */
  latest(limit: number): ListedRun[] {
    return this.statements.latest.all(limit).map((row) => {
      const started = RunEventSchema.parse(JSON.parse(row.started_json));
      return {
        runId: row.run_id,
        planId: row.plan_id,
        planVersion: row.plan_version,
        originConsole: row.origin_console,
        mode: row.mode,
        drillId: row.drill_id,
        status: row.status,
        startedAt: row.started_at,
        incident: started.type === 'run-started' ? started.incident : null,
      };
    });
  }

  /** The incidents any run (of any console) was started for. */
  incidentsWithRuns(): Set<string> {
    return new Set(this.statements.incidents.all().map((row) => row.id));
  }

  setStatus(runId: string, status: RunSummary['status'], updatedAt: string): void {
    this.statements.setStatus.run(status, updatedAt, runId);
  }

  /** Records the console that drives the run from now on (a hand-over). */
  setDriver(runId: string, originConsole: string, updatedAt: string): void {
    this.statements.setDriver.run(originConsole, updatedAt, runId);
  }

  eventCount(runId: string): number {
    return this.statements.eventCount.get(runId)?.n ?? 0;
  }

  events(runId: string): RunEventRecord[] {
    return this.statements.events.all(runId).map(toRecord);
  }

  /** Whether the run's event `seq` is held and is `event` (compared as JSON values: key order means nothing). */
  holdsEvent(runId: string, seq: number, event: RunEvent): boolean {
    const row = this.statements.event.get(runId, seq);
    return row !== undefined && isDeepStrictEqual(JSON.parse(row.body_json), JSON.parse(JSON.stringify(event)));
  }

  /** Appends one event; a number already taken is a constraint error, and events are never changed (the table's triggers). */
  appendEvent(runId: string, seq: number, event: RunEvent, originConsole: string): void {
    this.statements.insertEvent.run(runId, seq, event.at, event.type, JSON.stringify(event), originConsole);
  }

  /** Runs `work` in one transaction of the database these tables live in. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }
}

function toRecord(row: EventRow): RunEventRecord {
  return { seq: row.seq, event: RunEventSchema.parse(JSON.parse(row.body_json)), origin: row.origin_console };
}
