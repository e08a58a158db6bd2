import type { Plan, PlanStep } from './plan-schema.js';
import type { Actor, RunCommand, RunEvent, RunMode, RunIncident, RunState, StepAction, StepState } from './run-model.js';

/** Where a step sits: its list (the plan's steps or one branch of a parallel step) and its place in it. */
interface StepPlace {
  step: PlanStep;
  list: PlanStep[];
  index: number;
  parent: { parallelId: string; branch: number } | null;
}

/** Step lookup for one plan version; built once per plan and shared by every run of it. */
export class PlanIndex {
  private readonly places = new Map<string, StepPlace>();

  constructor(readonly plan: Plan) {
    const visit = (list: PlanStep[], parent: StepPlace['parent']) => {
      list.forEach((step, index) => {
        this.places.set(step.id, { step, list, index, parent });
        if (step.type === 'parallel') step.branches.forEach((branch, number) => visit(branch, { parallelId: step.id, branch: number }));
      });
    };
    visit(plan.steps, null);
  }

  place(stepId: string): StepPlace {
    const place = this.places.get(stepId);
    if (!place) throw new Error(`Plan ${this.plan.id} v${this.plan.version} has no step "${stepId}".`);
    return place;
  }

  has(stepId: string): boolean {
    return this.places.has(stepId);
  }

  stepIds(): string[] {
    return [...this.places.keys()];
  }
}

const SYSTEM: Actor = { kind: 'system' };
const actionKinds = new Set(['notify', 'call', 'open-cameras', 'focus-map']);

const blankStep = (): StepState => ({
  status: 'pending',
  activatedAt: null,
  acknowledgedAt: null,
  finishedAt: null,
  dueAt: null,
  limitAt: null,
  escalatedTo: null,
  choice: null,
  visits: 0,
});

function addSeconds(at: string, seconds: number): string {
  return new Date(Date.parse(at) + seconds * 1000).toISOString();
}

/** Applies one recorded event. Pure: a run's state is the fold of its events, so a restart replays to the same state. */
export function evolve(state: RunState | null, runId: string, index: PlanIndex, event: RunEvent): RunState {
  if (event.type === 'run-started') {
    return {
      runId,
      planId: event.planId,
      planVersion: event.planVersion,
      mode: event.mode,
      drillId: event.drillId,
      incident: event.incident,
      status: 'active',
      startedAt: event.at,
      finishedAt: null,
      steps: Object.fromEntries(index.stepIds().map((id) => [id, blankStep()])),
      branches: {},
      eventCount: 1,
    };
  }
  if (!state) throw new Error(`Run ${runId}: "${event.type}" before run-started.`);
  const next: RunState = { ...state, steps: { ...state.steps }, branches: { ...state.branches }, eventCount: state.eventCount + 1 };
  const patch = (stepId: string, change: Partial<StepState>) => {
    next.steps[stepId] = { ...(next.steps[stepId] ?? blankStep()), ...change };
  };
  switch (event.type) {
    case 'step-activated': {
      const previous = next.steps[event.stepId] ?? blankStep();
      patch(event.stepId, {
        ...blankStep(),
        status: 'active',
        activatedAt: event.at,
        dueAt: event.dueAt,
        limitAt: event.limitAt,
        visits: previous.visits + 1,
      });
      const step = index.place(event.stepId).step;
      if (step.type === 'parallel') next.branches[step.id] = step.branches.map(() => false);
      break;
    }
    case 'step-acknowledged':
      patch(event.stepId, { status: 'acknowledged', acknowledgedAt: event.at });
      break;
    case 'step-completed':
      patch(event.stepId, { status: 'done', finishedAt: event.at });
      break;
    case 'decision-made':
      patch(event.stepId, { status: 'done', finishedAt: event.at, choice: event.optionId });
      break;
    case 'step-skipped':
      patch(event.stepId, { status: 'skipped', finishedAt: event.at });
      break;
    case 'step-escalated':
      patch(event.stepId, { escalatedTo: event.to });
      break;
    case 'branch-ended': {
      const ended = [...(next.branches[event.stepId] ?? [])];
      ended[event.branch] = true;
      next.branches[event.stepId] = ended;
      break;
    }
    case 'run-finished':
      next.status = event.outcome;
      next.finishedAt = event.at;
      break;
    case 'action-requested':
    case 'drill-injected':
    case 'run-handed-over':
      break;
  }
  return next;
}

export function replay(runId: string, index: PlanIndex, events: readonly RunEvent[]): RunState {
  let state: RunState | null = null;
  for (const event of events) state = evolve(state, runId, index, event);
  if (!state) throw new Error(`Run ${runId} has no events.`);
  return state;
}

/** Collects the events one decision produces, folding each into a working state as it goes. */
class Emitter {
  readonly events: RunEvent[] = [];

  constructor(
    public state: RunState | null,
    private readonly runId: string,
    private readonly index: PlanIndex,
  ) {}

  emit(event: RunEvent): void {
    this.events.push(event);
    this.state = evolve(this.state, this.runId, this.index, event);
  }

  get current(): RunState {
    if (!this.state) throw new Error('no state');
    return this.state;
  }
}

function activate(out: Emitter, index: PlanIndex, stepId: string, at: string): void {
  const { step } = index.place(stepId);
  out.emit({
    type: 'step-activated',
    at,
    stepId,
    dueAt: step.type === 'wait' ? addSeconds(at, step.seconds) : null,
    limitAt: step.timeLimit ? addSeconds(at, step.timeLimit.seconds) : null,
  });
  if (actionKinds.has(step.type)) {
    // The action carries the step's own settings (targets, radius, layers…), not its flow fields.
    const { id: _id, title: _title, next: _next, timeLimit: _timeLimit, type, ...detail } = step as PlanStep & Record<string, unknown>;
    out.emit({ type: 'action-requested', at, action: { stepId, kind: type as StepAction['kind'], detail } });
  }
  if (step.type === 'parallel') {
    step.branches.forEach((branch) => {
      const first = branch[0];
      if (first) activate(out, index, first.id, at);
    });
  }
}

/** Moves on from a finished step: to `target`, or the following step of its list, or the end of the list. */
function advance(out: Emitter, index: PlanIndex, stepId: string, at: string, target: string | undefined): void {
  const place = index.place(stepId);
  const following = target ?? place.list[place.index + 1]?.id ?? 'end';
  if (following !== 'end') return activate(out, index, following, at);
  if (place.parent === null) {
    out.emit({ type: 'run-finished', at, by: SYSTEM, outcome: 'completed', reason: null });
    return;
  }
  const { parallelId, branch } = place.parent;
  out.emit({ type: 'branch-ended', at, stepId: parallelId, branch });
  if ((out.current.branches[parallelId] ?? []).every(Boolean)) {
    out.emit({ type: 'step-completed', at, by: SYSTEM, stepId: parallelId, note: null });
    advance(out, index, parallelId, at, index.place(parallelId).step.next);
  }
}

export interface StartRunInput {
  runId: string;
  at: string;
  by: Actor;
  mode: RunMode;
  drillId: string | null;
  incident: RunIncident | null;
}

export function startRun(index: PlanIndex, input: StartRunInput): RunEvent[] {
  const out = new Emitter(null, input.runId, index);
  out.emit({
    type: 'run-started',
    at: input.at,
    by: input.by,
    planId: index.plan.id,
    planVersion: index.plan.version,
    mode: input.mode,
    drillId: input.drillId,
    incident: input.incident,
  });
  const first = index.plan.steps[0];
  if (first) activate(out, index, first.id, input.at);
  return out.events;
}

export type Decision = { ok: true; events: RunEvent[] } | { ok: false; reason: string };

const isOpen = (step: StepState | undefined) => step?.status === 'active' || step?.status === 'acknowledged';

/**
 * Turns an operator's command into the events it causes, or says why it cannot be done. Pure and deterministic:
 * the same state, command and time always give the same events. A repeated command (a double click, a retry after
 * a lost connection) finds the step already moved on and is refused, so nothing happens twice.
 */
export function decide(index: PlanIndex, state: RunState, command: RunCommand, by: Actor, at: string): Decision {
  if (state.status !== 'active') return { ok: false, reason: `The run is ${state.status}.` };
  const out = new Emitter(state, state.runId, index);
  if (command.type === 'abort') {
    out.emit({ type: 'run-finished', at, by, outcome: 'aborted', reason: command.reason });
    return { ok: true, events: out.events };
  }
  if (!index.has(command.stepId)) return { ok: false, reason: `This plan has no step "${command.stepId}".` };
  const { step } = index.place(command.stepId);
  const current = state.steps[command.stepId];
  if (!isOpen(current)) return { ok: false, reason: `Step "${command.stepId}" is not active (it is ${current?.status ?? 'unknown'}).` };

  switch (command.type) {
    case 'acknowledge':
      if (current?.status === 'acknowledged') return { ok: false, reason: `Step "${step.id}" is already acknowledged.` };
      if (step.type === 'parallel') return { ok: false, reason: 'A parallel block is acknowledged through its branches.' };
      out.emit({ type: 'step-acknowledged', at, by, stepId: step.id });
      break;
    case 'complete':
      if (step.type === 'decision') return { ok: false, reason: 'A decision is completed by choosing one of its options.' };
      if (step.type === 'parallel') return { ok: false, reason: 'A parallel block completes when all its branches have ended.' };
      out.emit({ type: 'step-completed', at, by, stepId: step.id, note: command.note ?? null });
      advance(out, index, step.id, at, step.next);
      break;
    case 'choose': {
      if (step.type !== 'decision') return { ok: false, reason: `Step "${step.id}" is not a decision.` };
      const option = step.options.find((candidate) => candidate.id === command.optionId);
      if (!option) return { ok: false, reason: `Decision "${step.id}" has no option "${command.optionId}".` };
      out.emit({ type: 'decision-made', at, by, stepId: step.id, optionId: option.id });
      advance(out, index, step.id, at, option.next);
      break;
    }
    case 'skip':
      if (step.type === 'decision') return { ok: false, reason: 'A decision cannot be skipped: the run needs its answer to go on.' };
      if (step.type === 'parallel') return { ok: false, reason: 'Skip the steps of its branches instead.' };
      out.emit({ type: 'step-skipped', at, by, stepId: step.id, reason: command.reason });
      advance(out, index, step.id, at, step.next);
      break;
  }
  return { ok: true, events: out.events };
}

/** What the clock causes at `now`: waits that are over complete, time limits that passed escalate (once). */
export function tick(index: PlanIndex, state: RunState, now: string): RunEvent[] {
  if (state.status !== 'active') return [];
  const out = new Emitter(state, state.runId, index);
  const nowMs = Date.parse(now);
  // Earliest first, then by step id: the same state and time always give the same order.
  const due = Object.entries(state.steps)
    .filter(([, step]) => isOpen(step))
    .flatMap(([stepId, step]) => [
      ...(step.dueAt !== null && Date.parse(step.dueAt) <= nowMs ? [{ stepId, at: step.dueAt, kind: 'wait' as const }] : []),
      ...(step.limitAt !== null && step.escalatedTo === null && Date.parse(step.limitAt) <= nowMs ? [{ stepId, at: step.limitAt, kind: 'limit' as const }] : []),
    ])
    .sort((a, b) => a.at.localeCompare(b.at) || a.stepId.localeCompare(b.stepId) || a.kind.localeCompare(b.kind));
  for (const item of due) {
    const step = index.place(item.stepId).step;
    if (!isOpen(out.current.steps[item.stepId]) || out.current.status !== 'active') continue;
    if (item.kind === 'limit' && step.timeLimit) {
      out.emit({ type: 'step-escalated', at: item.at, by: SYSTEM, stepId: step.id, to: step.timeLimit.escalateTo });
    } else if (item.kind === 'wait') {
      out.emit({ type: 'step-completed', at: item.at, by: SYSTEM, stepId: step.id, note: null });
      advance(out, index, step.id, item.at, step.next);
    }
  }
  return out.events;
}

/** The next moment the clock matters for this run, for the host to arm one timer. */
export function nextDueAt(state: RunState): string | null {
  if (state.status !== 'active') return null;
  let earliest: string | null = null;
  for (const step of Object.values(state.steps)) {
    if (!isOpen(step)) continue;
    for (const at of [step.dueAt, step.escalatedTo === null ? step.limitAt : null]) {
      if (at !== null && (earliest === null || at < earliest)) earliest = at;
    }
  }
  return earliest;
}
