import { randomBytes } from 'node:crypto';
import { ApiFailure, apiError } from '../../../shared/contract/errors.js';
import type { Plan } from '../../../shared/plans/plan-schema.js';
import { PlanIndex, decide, nextDueAt, replay, startRun, tick } from '../../../shared/plans/run-engine.js';
import type { Actor, RunCommand, RunEvent, RunIncident, RunMode, RunState } from '../../../shared/plans/run-model.js';
import type { RunEventRecord, RunSummary, RunView } from '../../../shared/plans/plan-views.js';
import type { Logger } from '../../../node/logger.js';
import { runEventKey, runKey, type PushResult, type SyncRecord } from '../../../shared/sync/sync-records.js';
import type { Clock } from '../clock/index.js';
import type { PlanLibraryService } from './plan-library.js';
import type { RecordOutbox } from './record-outbox.js';
import type { RunRepository, StoredRun } from './run-repository.js';

/** A run's life-cycle moment that others act on (the wall puts up and takes down its emergency scene). */
export type RunTransition = 'started' | 'finished';

/** Longest single wait for a timer; longer waits re-arm, so a changed system clock is noticed within this time. */
const MAX_TIMER_MS = 60_000;
/** The runs list shows this many, newest first. */
const LIST_RUNS = 200;

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
    private readonly repository: RunRepository,
    private readonly plans: PlanLibraryService,
    private readonly outbox: RecordOutbox,
    private readonly consoleId: string,
    /** `transition` is set on the change that started or finished a run driven by this console. */
    private readonly onChange: (view: RunView, transition: RunTransition | null) => void,
    private readonly logger: Logger,
    /** Stamps events and drives waits and time limits (tests move it by hand). */
    private readonly clock: Clock,
  ) {}

  /** After a (re)start: catch up every active run this console drives with the clock and arm its timer. */
  resumeActiveRuns(): number {
    const active = this.repository.activeRunIds(this.consoleId);
    for (const runId of active) {
      this.advanceClock(runId);
    }
    if (active.length > 0) this.logger.info('resumed active runs', { count: active.length });
    return active.length;
  }

  /** The incidents any run (of any console) was started for. */
  incidentsWithRuns(): Set<string> {
    return this.repository.incidentsWithRuns();
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
    this.repository.transaction(() => {
      const run = { runId, planId: plan.id, planVersion: plan.version, mode: input.mode, drillId, startedAt: now.toISOString(), originConsole: this.consoleId };
      if (!this.repository.insert(run)) throw new Error(`Run id ${runId} is taken.`);
      this.outbox.add({
        kind: 'run',
        key: runKey(runId),
        origin: this.consoleId,
        body: { runId, planId: plan.id, planVersion: plan.version, mode: input.mode, drillId, startedAt: now.toISOString() },
      });
      this.append(runId, 0, events);
    });
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
    return this.repository.latest(LIST_RUNS).map((run) => ({
      runId: run.runId,
      planId: run.planId,
      planVersion: run.planVersion,
      title: this.indexFor(this.plans.version(run.planId, run.planVersion)).plan.title,
      mode: run.mode,
      drillId: run.drillId,
      status: run.status,
      startedAt: run.startedAt,
      incident: run.incident,
    }));
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
    this.repository.transaction(() => {
      // The state we decided on must still be the latest: another call may have appended in between.
      if (this.repository.eventCount(runId) !== state.eventCount) throw new ApiFailure(apiError('conflict', 'The run changed meanwhile; look again and retry.'));
      this.append(runId, state.eventCount, events);
      const finished = events.find((event) => event.type === 'run-finished');
      this.repository.setStatus(runId, finished?.type === 'run-finished' ? finished.outcome : 'active', events.at(-1)?.at ?? state.startedAt);
    });
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
    return this.repository.activeRunIds(this.consoleId, 'drill');
  }

  /** Active runs this console drives, oldest first. */
  activeRuns(): string[] {
    return this.repository.activeRunIds(this.consoleId);
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
    this.repository.transaction(() => {
      this.repository.appendEvent(runId, seq, event, this.consoleId);
      this.repository.setDriver(runId, this.consoleId, event.at);
      // Already stored at the backend: kept in the outbox as sent, so the record's key stays accounted for.
      this.outbox.add(record);
      this.outbox.settled('stored', [record.key]);
    });
    this.cache.delete(runId);
    this.logger.info('run taken over', { runId, from, reason, by });
    return this.afterChange(runId);
  }

  private originOf(runId: string): string {
    return this.stored(runId).originConsole;
  }

  private append(runId: string, after: number, events: RunEvent[]): void {
    events.forEach((event, offset) => {
      const seq = after + offset + 1;
      this.repository.appendEvent(runId, seq, event, this.consoleId);
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
    const run = this.stored(runId);
    const index = this.indexFor(this.plans.version(run.planId, run.planVersion));
    const state = replay(runId, index, this.records(runId).map((record) => record.event));
    const loaded = { state, index };
    this.cache.set(runId, loaded);
    return loaded;
  }

  private records(runId: string): RunEventRecord[] {
    return this.repository.events(runId);
  }

  private stored(runId: string): StoredRun {
    const run = this.repository.find(runId);
    if (!run) throw new ApiFailure(apiError('not-found', `No run "${runId}".`));
    return run;
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
