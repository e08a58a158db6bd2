import { z } from 'zod';
import { LngLatSchema } from '../domain/geo.js';
import { incidentSeverities } from '../domain/feed.js';

/** Who did something in a run: an operator at a window, or the engine itself (timers, escalation). */
export const ActorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('operator'), name: z.string().min(1).max(100), window: z.string().max(100) }),
  z.object({ kind: z.literal('system') }),
]);
export type Actor = z.infer<typeof ActorSchema>;

export const RunModeSchema = z.enum(['live', 'drill']);
export type RunMode = z.infer<typeof RunModeSchema>;

export const RunIncidentSchema = z.object({
  id: z.string(),
  type: z.string(),
  title: z.string(),
  severity: z.enum(incidentSeverities),
  position: LngLatSchema,
  districtAdcode: z.string(),
});
export type RunIncident = z.infer<typeof RunIncidentSchema>;

/**
 * What an action step asks of the dispatch, video, map and notification features. Recorded before anything acts on
 * it; until a feature implements its port, the operator carries the action out and confirms it.
 */
export const StepActionSchema = z.object({
  stepId: z.string(),
  kind: z.enum(['notify', 'call', 'open-cameras', 'focus-map']),
  /** The plan step's own settings (targets, radius, layers…), as written in the plan. */
  detail: z.record(z.string(), z.unknown()),
});
export type StepAction = z.infer<typeof StepActionSchema>;

/** The run's append-only history: the audit trail and the only source of its state. */
export const RunEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run-started'),
    at: z.string(),
    by: ActorSchema,
    planId: z.string(),
    planVersion: z.number().int(),
    mode: RunModeSchema,
    drillId: z.string().nullable(),
    incident: RunIncidentSchema.nullable(),
  }),
  z.object({ type: z.literal('step-activated'), at: z.string(), stepId: z.string(), dueAt: z.string().nullable(), limitAt: z.string().nullable() }),
  z.object({ type: z.literal('action-requested'), at: z.string(), action: StepActionSchema }),
  z.object({ type: z.literal('step-acknowledged'), at: z.string(), by: ActorSchema, stepId: z.string() }),
  z.object({ type: z.literal('step-completed'), at: z.string(), by: ActorSchema, stepId: z.string(), note: z.string().max(2000).nullable() }),
  z.object({ type: z.literal('decision-made'), at: z.string(), by: ActorSchema, stepId: z.string(), optionId: z.string() }),
  z.object({ type: z.literal('step-escalated'), at: z.string(), by: ActorSchema, stepId: z.string(), to: z.string() }),
  z.object({ type: z.literal('step-skipped'), at: z.string(), by: ActorSchema, stepId: z.string(), reason: z.string().min(1).max(2000) }),
  z.object({ type: z.literal('branch-ended'), at: z.string(), stepId: z.string(), branch: z.number().int() }),
  /** A scripted drill event was staged (item `index` of the plan's drill script). */
  /**
   * Another console takes over driving the run (its driver went away): explicit, by an operator, with a reason. Only
   * the console named in `to` appends after it.
   */
  z.object({
    type: z.literal('run-handed-over'),
    at: z.string(),
    by: ActorSchema,
    from: z.string().min(1).max(100),
    to: z.string().min(1).max(100),
    reason: z.string().min(1).max(2000),
  }),
  z.object({ type: z.literal('drill-injected'), at: z.string(), index: z.number().int().min(0), incidentId: z.string() }),
  z.object({ type: z.literal('run-finished'), at: z.string(), by: ActorSchema, outcome: z.enum(['completed', 'aborted']), reason: z.string().nullable() }),
]);
export type RunEvent = z.infer<typeof RunEventSchema>;

/** What an operator (or the host's clock) asks of a run. */
export const RunCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('acknowledge'), stepId: z.string() }),
  z.object({ type: z.literal('complete'), stepId: z.string(), note: z.string().max(2000).optional() }),
  z.object({ type: z.literal('choose'), stepId: z.string(), optionId: z.string() }),
  z.object({ type: z.literal('skip'), stepId: z.string(), reason: z.string().min(1).max(2000) }),
  z.object({ type: z.literal('abort'), reason: z.string().min(1).max(2000) }),
]);
export type RunCommand = z.infer<typeof RunCommandSchema>;

export const stepStatuses = ['pending', 'active', 'acknowledged', 'done', 'skipped'] as const;
export type StepStatus = (typeof stepStatuses)[number];

export const StepStateSchema = z.object({
  status: z.enum(stepStatuses),
  activatedAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** A wait step completes at this time. */
  dueAt: z.string().nullable(),
  /** Past this time an unfinished step escalates (once). */
  limitAt: z.string().nullable(),
  escalatedTo: z.string().nullable(),
  choice: z.string().nullable(),
  /** Times the step was entered (a decision can loop back to it). */
  visits: z.number().int(),
});
export type StepState = z.infer<typeof StepStateSchema>;

export const RunStateSchema = z.object({
  runId: z.string(),
  planId: z.string(),
  planVersion: z.number().int(),
  mode: RunModeSchema,
  drillId: z.string().nullable(),
  incident: RunIncidentSchema.nullable(),
  status: z.enum(['active', 'completed', 'aborted']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  steps: z.record(z.string(), StepStateSchema),
  /** Parallel step id -> which of its branches have ended. */
  branches: z.record(z.string(), z.array(z.boolean())),
  eventCount: z.number().int(),
});
export type RunState = z.infer<typeof RunStateSchema>;
