import type { PlanStep } from './plan-schema.js';
import type { RunView } from './plan-views.js';
import type { Actor, RunEvent } from './run-model.js';

export interface ReportStep {
  stepId: string;
  title: { zh: string; en: string };
  type: PlanStep['type'];
  status: 'pending' | 'active' | 'acknowledged' | 'done' | 'skipped';
  activatedAt: string | null;
  /** Seconds from the step's start to its acknowledgement (or to its completion when it was done without one). */
  secondsToAcknowledge: number | null;
  secondsToFinish: number | null;
  limitSeconds: number | null;
  /** Null when the step has no limit or was not reached. */
  withinLimit: boolean | null;
  escalatedTo: string | null;
  skipReason: string | null;
}

export interface ReportTimelineEntry {
  seq: number;
  at: string;
  secondsFromStart: number;
  type: RunEvent['type'];
  stepId: string | null;
  who: string;
}

export interface RunReport {
  runId: string;
  mode: 'live' | 'drill';
  drillId: string | null;
  plan: { id: string; version: number; title: { zh: string; en: string } };
  incident: RunView['state']['incident'];
  startedAt: string;
  finishedAt: string | null;
  outcome: 'active' | 'completed' | 'aborted';
  durationSeconds: number | null;
  steps: ReportStep[];
  timeline: ReportTimelineEntry[];
  score: { total: number; timeliness: number; completeness: number; discipline: number };
}

const seconds = (from: string | null, to: string | null) => (from && to ? Math.round((Date.parse(to) - Date.parse(from)) / 1000) : null);

function flatten(steps: PlanStep[]): PlanStep[] {
  return steps.flatMap((step) => (step.type === 'parallel' ? [step, ...step.branches.flatMap(flatten)] : [step]));
}

const who = (by: Actor | undefined) => (by === undefined || by.kind === 'system' ? 'system' : `${by.name} (${by.window})`);

/**
 * The after-action report of a run (the drill report): every reached step with its times against its limit, what
 * was skipped or escalated, the timeline, and a score. Pure, from the run's recorded history only.
 *
 * Score (0-100) = 60 × timeliness (share of reached steps with a limit that finished within it)
 *               + 25 × completeness (share of reached steps done rather than skipped or left open)
 *               + 15 × discipline (1 when the run completed without escalation, 0.5 with escalations, 0 when aborted).
 */
export function buildRunReport(view: RunView): RunReport {
  const { state, plan, events } = view;
  const skipReasons = new Map<string, string>();
  for (const { event } of events) if (event.type === 'step-skipped') skipReasons.set(event.stepId, event.reason);

  const steps: ReportStep[] = flatten(plan.steps).map((step) => {
    const stepState = state.steps[step.id];
    const finishedAt = stepState?.finishedAt ?? null;
    const activatedAt = stepState?.activatedAt ?? null;
    const limitSeconds = step.timeLimit?.seconds ?? null;
    const secondsToFinish = seconds(activatedAt, finishedAt);
    return {
      stepId: step.id,
      title: step.title,
      type: step.type,
      status: stepState?.status ?? 'pending',
      activatedAt,
      secondsToAcknowledge: seconds(activatedAt, stepState?.acknowledgedAt ?? finishedAt),
      secondsToFinish,
      limitSeconds,
      withinLimit: limitSeconds === null || activatedAt === null ? null : stepState?.escalatedTo === null && secondsToFinish !== null && secondsToFinish <= limitSeconds,
      escalatedTo: stepState?.escalatedTo ?? null,
      skipReason: skipReasons.get(step.id) ?? null,
    };
  });

  const reached = steps.filter((step) => step.activatedAt !== null && step.type !== 'parallel');
  const limited = reached.filter((step) => step.withinLimit !== null);
  const timeliness = limited.length === 0 ? 1 : limited.filter((step) => step.withinLimit).length / limited.length;
  const completeness = reached.length === 0 ? 0 : reached.filter((step) => step.status === 'done').length / reached.length;
  const escalations = steps.some((step) => step.escalatedTo !== null);
  const discipline = state.status === 'aborted' ? 0 : state.status === 'completed' ? (escalations ? 0.5 : 1) : 0.5;

  return {
    runId: state.runId,
    mode: state.mode,
    drillId: state.drillId,
    plan: { id: plan.id, version: plan.version, title: plan.title },
    incident: state.incident,
    startedAt: state.startedAt,
    finishedAt: state.finishedAt,
    outcome: state.status,
    durationSeconds: seconds(state.startedAt, state.finishedAt),
    steps,
    timeline: events
      .filter(({ event }) => event.type !== 'step-activated' && event.type !== 'branch-ended')
      .map(({ seq, event }) => ({
        seq,
        at: event.at,
        secondsFromStart: seconds(state.startedAt, event.at) ?? 0,
        type: event.type,
        stepId: 'stepId' in event ? event.stepId : event.type === 'action-requested' ? event.action.stepId : null,
        who: who('by' in event ? event.by : undefined),
      })),
    score: {
      total: Math.round(60 * timeliness + 25 * completeness + 15 * discipline),
      timeliness,
      completeness,
      discipline,
    },
  };
}
