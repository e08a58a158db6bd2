import { randomBytes } from 'node:crypto';
import { ApiFailure, apiError } from '../../../shared/contract/errors.js';
import type { Plan } from '../../../shared/plans/plan-schema.js';
import { PlanIndex, decide, nextDueAt, replay, startRun, tick } from '../../../shared/plans/run-engine.js';
import { RunEventSchema, type Actor, type RunCommand, type RunEvent, type RunIncident, type RunMode, type RunState } from '../../../shared/plans/run-model.js';
import type { RunEventRecord, RunSummary, RunView } from '../../../shared/plans/plan-views.js';
import type { Logger } from '../../../node/logger.js';
import type { SqliteDatabase } from '../../../node/sqlite.js';
import { runEventKey, runKey, type PushResult, type SyncRecord } from '../../../shared/sync/sync-records.js';
import type { Outbox } from '../sync/index.js';
import type { PlanLibraryService } from './plan-library.js';

/** Time and timers, injected so tests can drive a run's clock. */
export interface RunClock {
  now(): Date;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: RunClock = {
  now: () => new Date(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface RunRow {
  run_id: string;
  plan_id: string;
  plan_version: number;
  origin_console: string;
}

interface EventRow {
  seq: number;
  body_json: string;
  origin_console: string;
}

/** A run's life-cycle moment that others act on (the wall puts up and takes down its emergency scene). */
export type RunTransition = 'started' | 'finished';

/** Longest single wait for a timer; longer waits re-arm, so a changed system clock is noticed within this time. */
const MAX_TIMER_MS = 60_000;

/**
 * Runs plans. Every change is a list of events appended in one transaction before anything outside learns of it
 * (windows, timers, later the dispatch and video features); a run's state is the replay of its events. A host killed
 * mid-run therefore restarts with exactly the recorded history: nothing lost, and nothing re-done, because a repeated
 * command finds its step already moved on.
 */
export class RunService {
  private readonly cache = new Map<string, { state: RunState; index: PlanIndex }>();
  private readonly timers = new Map<string, unknown>();
  private readonly indexes = new Map<string, PlanIndex>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly plans: PlanLibraryService,
    private readonly outbox: Outbox,
    private readonly consoleId: string,
    /** `transition` is set on the change that started or finished a run driven by this console. */
    private readonly onChange: (view: RunView, transition: RunTransition | null) => void,
    private readonly logger: Logger,
    private readonly clock: RunClock = systemClock,
  ) {}

  /** After a (re)start: catch up every active run this console drives with the clock and arm its timer. */
  resumeActiveRuns(): number {
    const active = this.db
      .prepare<[string], { run_id: string }>("SELECT run_id FROM runs WHERE status = 'active' AND origin_console = ? ORDER BY started_at")
      .all(this.consoleId);
    for (const { run_id: runId } of active) {
      this.advanceClock(runId);
    }
    if (active.length > 0) this.logger.info('resumed active runs', { count: active.length });
    return active.length;
  }

  /** The incidents any run (of any console) was started for. */
  incidentsWithRuns(): Set<string> {
    const rows = this.db
      .prepare<[], { id: string }>("SELECT DISTINCT json_extract(body_json, '$.incident.id') AS id FROM run_events WHERE seq = 1 AND id IS NOT NULL")
      .all();
    return new Set(rows.map((row) => row.id));
  }

  /** `drillId`: the drill an injected incident belongs to (the run joins it); otherwise a drill run opens its own. */
  start(input: { planId: string; mode: RunMode; incident: RunIncident | null; by: Actor; drillId?: string | null }): RunView {
    const plan = this.plans.latestPlan(input.planId);
    if (!plan) throw new ApiFailure(apiError('not-found', `No plan "${input.planId}".`));
    const now = this.clock.now();
    const runId = `RUN-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`;
    const drillId = input.mode === 'drill' ? (input.drillId ?? `DRILL-${runId.slice(4)}`) : null;
    const index = this.indexFor(plan);
    const events = startRun(index, { runId, at: now.toISOString(), by: input.by, mode: input.mode, drillId, incident: input.incident });
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO runs (run_id, plan_id, plan_version, mode, drill_id, status, started_at, updated_at, origin_console)
           VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?)`,
        )
        .run(runId, plan.id, plan.version, input.mode, drillId, now.toISOString(), now.toISOString(), this.consoleId);
      this.outbox.add({
        kind: 'run',
        key: runKey(runId),
        origin: this.consoleId,
        body: { runId, planId: plan.id, planVersion: plan.version, mode: input.mode, drillId, startedAt: now.toISOString() },
      });
      this.append(runId, 0, events);
    })();
    this.outbox.notifyAdded();
    this.logger.info('run started', { runId, planId: plan.id, version: plan.version, mode: input.mode, by: input.by });
    return this.afterChange(runId, 'started');
  }

  command(runId: string, command: RunCommand, by: Actor): RunView {
    const origin = this.originOf(runId);
    if (origin !== this.consoleId) {
      throw new ApiFailure(apiError('conflict', `This run is driven from console ${origin.slice(0, 8)}; it is shown here to follow, not to command.`));
    }
    const { state, index } = this.load(runId);
    const decision = decide(index, state, command, by, this.clock.now().toISOString());
    if (!decision.ok) throw new ApiFailure(apiError('conflict', decision.reason));
    return this.afterChange(runId, this.commit(runId, state, decision.events));
  }

  view(runId: string): RunView {
    const { state, index } = this.load(runId);
    return { origin: this.originOf(runId), state, plan: index.plan, events: this.records(runId) };
  }

  /** The latest runs, read from their rows and first events only (no replay: the list stays cheap as runs pile up). */
  list(): RunSummary[] {
    const rows = this.db
      .prepare<[], RunRow & { mode: 'live' | 'drill'; drill_id: string | null; status: RunSummary['status']; started_at: string; started_json: string }>(
        `SELECT r.run_id, r.plan_id, r.plan_version, r.origin_console, r.mode, r.drill_id, r.status, r.started_at, e.body_json AS started_json
         FROM runs r JOIN run_events e ON e.run_id = r.run_id AND e.seq = 1
         ORDER BY r.started_at DESC LIMIT 200`,
      )
      .all();
    return rows.map((row) => {
      const started = RunEventSchema.parse(JSON.parse(row.started_json));
      return {
        runId: row.run_id,
        planId: row.plan_id,
        planVersion: row.plan_version,
        title: this.indexFor(this.plans.version(row.plan_id, row.plan_version)).plan.title,
        mode: row.mode,
        drillId: row.drill_id,
        status: row.status,
        startedAt: row.started_at,
        incident: started.type === 'run-started' ? started.incident : null,
      };
    });
  }

  dispose(): void {
    for (const handle of this.timers.values()) this.clock.clearTimeout(handle);
    this.timers.clear();
  }

  private advanceClock(runId: string): void {
    // A run handed over to another console meanwhile is driven there; its timers here stop.
    if (this.originOf(runId) !== this.consoleId) return;
    const { state, index } = this.load(runId);
    const events = tick(index, state, this.clock.now().toISOString());
    if (events.length > 0) {
      this.afterChange(runId, this.commit(runId, state, events));
    } else {
      this.arm(runId);
    }
  }

  /** Appends `events`; answers 'finished' when they end the run. */
  private commit(runId: string, state: RunState, events: RunEvent[]): RunTransition | null {
    this.db.transaction(() => {
      // The state we decided on must still be the latest: another call may have appended in between.
      const latest = this.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM run_events WHERE run_id = ?').get(runId);
      if (latest?.n !== state.eventCount) throw new ApiFailure(apiError('conflict', 'The run changed meanwhile; look again and retry.'));
      this.append(runId, state.eventCount, events);
      const finished = events.find((event) => event.type === 'run-finished');
      this.db
        .prepare('UPDATE runs SET status = ?, updated_at = ? WHERE run_id = ?')
        .run(finished?.type === 'run-finished' ? finished.outcome : 'active', events.at(-1)?.at ?? state.startedAt, runId);
    })();
    this.cache.delete(runId);
    this.outbox.notifyAdded();
    return events.some((event) => event.type === 'run-finished') ? 'finished' : null;
  }

  /** Records that item `index` of the drill script was staged; a second record of the same item is ignored. */
  recordDrillInjection(runId: string, index: number, incidentId: string): void {
    const { state } = this.load(runId);
    if (state.status !== 'active' || this.drillInjections(runId).has(index)) return;
    this.afterChange(runId, this.commit(runId, state, [{ type: 'drill-injected', at: this.clock.now().toISOString(), index, incidentId }]));
  }

  /** Script items already staged for a run. */
  drillInjections(runId: string): Set<number> {
    return new Set(
      this.records(runId)
        .map((record) => record.event)
        .flatMap((event) => (event.type === 'drill-injected' ? [event.index] : [])),
    );
  }

  /** Active drill runs this console drives (their scripts continue after a restart). */
  activeDrillRuns(): string[] {
    return this.db
      .prepare<[string], { run_id: string }>("SELECT run_id FROM runs WHERE status = 'active' AND mode = 'drill' AND origin_console = ?")
      .all(this.consoleId)
      .map((row) => row.run_id);
  }

  /** Active runs this console drives, oldest first. */
  activeRuns(): string[] {
    return this.db
      .prepare<[string], { run_id: string }>("SELECT run_id FROM runs WHERE status = 'active' AND origin_console = ? ORDER BY started_at, run_id")
      .all(this.consoleId)
      .map((row) => row.run_id);
  }

  /** Another console's run changed (its records arrived through the backend): show the new state. */
  remoteChanged(runId: string): void {
    this.cache.delete(runId);
    if (this.originOf(runId) !== this.consoleId) this.disarm(runId);
    this.onChange(this.view(runId), null);
  }

  /**
   * This console takes over driving another console's active run (its driver went away). The hand-over is an event
   * of the run, with who and why; it takes effect only once the backend has stored it (which it does only when this
   * console holds every event of the run so far), so two consoles can never both drive one run.
   */
  async takeOver(runId: string, reason: string, by: Actor, store: (record: SyncRecord) => Promise<PushResult>): Promise<RunView> {
    const from = this.originOf(runId);
    if (from === this.consoleId) throw new ApiFailure(apiError('conflict', 'This console already drives the run.'));
    const { state } = this.load(runId);
    if (state.status !== 'active') throw new ApiFailure(apiError('conflict', 'The run has finished; there is nothing to take over.'));
    const seq = state.eventCount + 1;
    const event: RunEvent = { type: 'run-handed-over', at: this.clock.now().toISOString(), by, from, to: this.consoleId, reason };
    const record: SyncRecord = { kind: 'run-event', key: runEventKey(runId, seq), origin: this.consoleId, body: { runId, seq, event } };
    const result = await store(record);
    const refusal = result.refused.find((refused) => refused.key === record.key);
    if (refusal || !result.stored.includes(record.key)) {
      const why = refusal?.reason === 'event-out-of-order' ? 'the run moved on at the backend; wait for this console to catch up and try again' : (refusal?.reason ?? 'conflict');
      throw new ApiFailure(apiError('conflict', `The backend did not accept the hand-over (${why}).`));
    }
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO run_events (run_id, seq, at, type, body_json, origin_console) VALUES (?, ?, ?, ?, ?, ?)').run(runId, seq, event.at, event.type, JSON.stringify(event), this.consoleId);
      this.db.prepare('UPDATE runs SET origin_console = ?, updated_at = ? WHERE run_id = ?').run(this.consoleId, event.at, runId);
      // Already stored at the backend: kept in the outbox as sent, so the record's key stays accounted for.
      this.outbox.add(record);
      this.outbox.settled('stored', [record.key]);
    })();
    this.cache.delete(runId);
    this.logger.info('run taken over', { runId, from, reason, by });
    return this.afterChange(runId);
  }

  private originOf(runId: string): string {
    const row = this.db.prepare<[string], { origin_console: string }>('SELECT origin_console FROM runs WHERE run_id = ?').get(runId);
    if (!row) throw new ApiFailure(apiError('not-found', `No run "${runId}".`));
    return row.origin_console;
  }

  private append(runId: string, after: number, events: RunEvent[]): void {
    const insert = this.db.prepare('INSERT INTO run_events (run_id, seq, at, type, body_json, origin_console) VALUES (?, ?, ?, ?, ?, ?)');
    events.forEach((event, offset) => {
      const seq = after + offset + 1;
      insert.run(runId, seq, event.at, event.type, JSON.stringify(event), this.consoleId);
      this.outbox.add({ kind: 'run-event', key: runEventKey(runId, seq), origin: this.consoleId, body: { runId, seq, event } });
    });
  }

  private afterChange(runId: string, transition: RunTransition | null = null): RunView {
    const view = this.view(runId);
    if (this.originOf(runId) === this.consoleId) this.arm(runId);
    this.onChange(view, transition);
    return view;
  }

  private disarm(runId: string): void {
    const previous = this.timers.get(runId);
    if (previous !== undefined) this.clock.clearTimeout(previous);
    this.timers.delete(runId);
  }

  private arm(runId: string): void {
    this.disarm(runId);
    const { state } = this.load(runId);
    const due = nextDueAt(state);
    if (due === null) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, Date.parse(due) - this.clock.now().getTime()));
    this.timers.set(
      runId,
      this.clock.setTimeout(() => {
        this.timers.delete(runId);
        try {
          this.advanceClock(runId);
        } catch (error) {
          this.logger.error('run timer failed', { runId, error });
        }
      }, wait),
    );
  }

  private load(runId: string): { state: RunState; index: PlanIndex } {
    const cached = this.cache.get(runId);
    if (cached) return cached;
    const run = this.db.prepare<[string], RunRow>('SELECT run_id, plan_id, plan_version, origin_console FROM runs WHERE run_id = ?').get(runId);
    if (!run) throw new ApiFailure(apiError('not-found', `No run "${runId}".`));
    const index = this.indexFor(this.plans.version(run.plan_id, run.plan_version));
    const state = replay(runId, index, this.records(runId).map((record) => record.event));
    const loaded = { state, index };
    this.cache.set(runId, loaded);
    return loaded;
  }

  private records(runId: string): RunEventRecord[] {
    return this.db
      .prepare<[string], EventRow>('SELECT seq, body_json, origin_console FROM run_events WHERE run_id = ? ORDER BY seq')
      .all(runId)
      .map((row) => ({ seq: row.seq, event: RunEventSchema.parse(JSON.parse(row.body_json)), origin: row.origin_console }));
  }

  private indexFor(plan: Plan): PlanIndex {
    const key = `${plan.id}@${plan.version}`;
    let index = this.indexes.get(key);
    if (!index) {
      index = new PlanIndex(plan);
      this.indexes.set(key, index);
    }
    return index;
  }
}
