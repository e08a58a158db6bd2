import { z } from 'zod';
import { CrewSpecialitySchema, SensorKindSchema } from '../city/schemas.js';
import { RiskGradeSchema, SensorStateSchema, incidentSeverities } from '../domain/feed.js';

/**
 * The emergency plan (预案) file format: one YAML file per plan in plans/. Versioned by `formatVersion`; the JSON
 * Schema for editors is generated from these definitions (plans/plan.schema.json).
 */
export const PLAN_FORMAT_VERSION = 1;

const Text = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
export type PlanText = z.infer<typeof Text>;

const StepId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/, 'a step id is lower-case letters, digits and dashes, starting with a letter');
const RoleKey = z.string().regex(/^[a-z][a-zA-Z0-9-]{0,63}$/, 'a role key is letters, digits and dashes, starting with a letter');

/** Who a step reaches: one crew, a directory group, a plan role, or the nearest crews on duty to the incident. */
export const PlanTargetSchema = z.union([
  z.object({ crew: z.string().regex(/^CR\d{4}$/) }).strict(),
  z
    .object({
      /** `speciality:<key>` (the city-wide group of a speciality), `district:incident` (the incident district's group) or a directory group id. */
      group: z
        .string()
        .regex(new RegExp(`^(speciality:(${CrewSpecialitySchema.options.join('|')})|district:incident|GR\\d{3})$`), 'a group is speciality:<key>, district:incident or a directory group id (GR…)'),
    })
    .strict(),
  z.object({ role: RoleKey }).strict(),
  z
    .object({
      nearest: z
        .object({ speciality: CrewSpecialitySchema.optional(), count: z.number().int().min(1).max(20), withinKm: z.number().positive().max(100).optional() })
        .strict(),
    })
    .strict(),
]);
export type PlanTarget = z.infer<typeof PlanTargetSchema>;

/** A time limit: unacknowledged after `seconds`, the step escalates to `escalateTo` (and the run says so). */
const TimeLimit = z
  .object({ seconds: z.number().int().min(10).max(86_400), escalateTo: RoleKey })
  .strict();

const stepBase = {
  id: StepId,
  title: Text,
  /** Next step when this one completes; default: the following step in its list; `end` finishes the branch. */
  next: z.union([StepId, z.literal('end')]).optional(),
  timeLimit: TimeLimit.optional(),
};

const NotifyStep = z.object({ ...stepBase, type: z.literal('notify'), to: z.array(PlanTargetSchema).min(1), message: Text }).strict();
const CallStep = z.object({ ...stepBase, type: z.literal('call'), to: PlanTargetSchema, media: z.enum(['audio', 'video']).default('audio') }).strict();
const OpenCamerasStep = z
  .object({ ...stepBase, type: z.literal('open-cameras'), radiusM: z.number().int().min(50).max(20_000), count: z.number().int().min(1).max(16) })
  .strict();
const FocusMapStep = z
  .object({
    ...stepBase,
    type: z.literal('focus-map'),
    zoom: z.number().min(3).max(20),
    layers: z.array(z.string().min(1)).default([]),
    radiusM: z.number().int().min(50).max(50_000).optional(),
  })
  .strict();
const TaskStep = z
  .object({
    ...stepBase,
    type: z.literal('task'),
    owner: RoleKey,
    checklist: z.array(Text).default([]),
  })
  .strict();
const WaitStep = z.object({ ...stepBase, type: z.literal('wait'), seconds: z.number().int().min(1).max(86_400) }).strict();
const DecisionStep = z
  .object({
    ...stepBase,
    type: z.literal('decision'),
    question: Text,
    owner: RoleKey,
    options: z.array(z.object({ id: StepId, label: Text, next: z.union([StepId, z.literal('end')]) }).strict()).min(2),
  })
  .strict();

export type PlanStep =
  | z.infer<typeof NotifyStep>
  | z.infer<typeof CallStep>
  | z.infer<typeof OpenCamerasStep>
  | z.infer<typeof FocusMapStep>
  | z.infer<typeof TaskStep>
  | z.infer<typeof WaitStep>
  | z.infer<typeof DecisionStep>
  | ParallelStep;

export interface ParallelStep {
  id: string;
  title: PlanText;
  next?: string;
  timeLimit?: { seconds: number; escalateTo: string };
  type: 'parallel';
  /** Each branch runs its own steps; the parallel step completes when every branch has ended. */
  branches: PlanStep[][];
}

export const PlanStepSchema: z.ZodType<PlanStep, unknown> = z.lazy(() =>
  z.discriminatedUnion('type', [
    NotifyStep,
    CallStep,
    OpenCamerasStep,
    FocusMapStep,
    TaskStep,
    WaitStep,
    DecisionStep,
    z.object({ ...stepBase, type: z.literal('parallel'), branches: z.array(z.array(PlanStepSchema).min(1)).min(2) }).strict(),
  ]),
) as z.ZodType<PlanStep, unknown>;

/** An automatic trigger proposes the plan (one confirming click launches it); it never launches on its own. */
export const PlanTriggerSchema = z
  .object({
    sensorKind: SensorKindSchema,
    state: SensorStateSchema.exclude(['normal']).default('alarm'),
    riskGrades: z.array(RiskGradeSchema).min(1).optional(),
    districts: z.array(z.string().regex(/^\d{6}$/)).min(1).optional(),
  })
  .strict();

export const PlanRoleSchema = z
  .object({
    title: Text,
    /** How the role is filled at run time: a directory group, a fixed crew, or the nearest crews of a speciality. */
    filledBy: PlanTargetSchema.optional(),
  })
  .strict();

/**
 * A drill's scripted events: while a drill run of the plan is active, each is staged (as a drill incident at a sensor
 * of that kind) when its time after the start comes, so the drill unfolds as a real incident would.
 */
export const DrillScriptSchema = z
  .object({
    script: z
      .array(
        z
          .object({
            afterSeconds: z.number().int().min(0).max(86_400),
            inject: z.object({ sensorKind: SensorKindSchema, riskGrade: RiskGradeSchema.optional() }).strict(),
            note: Text.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(50),
  })
  .strict();

export const PlanSchema = z
  .object({
    formatVersion: z.literal(PLAN_FORMAT_VERSION),
    id: z.string().regex(/^[a-z][a-z0-9-]{2,63}$/, 'a plan id is lower-case letters, digits and dashes'),
    version: z.number().int().min(1),
    title: Text,
    summary: Text,
    /** Incident types (the feed's sensor kinds or case types) the plan applies to. */
    incidentTypes: z.array(z.string().min(1)).min(1),
    /** Severity from which the plan is offered first. */
    minSeverity: z.enum(incidentSeverities).default('major'),
    triggers: z.array(PlanTriggerSchema).default([]),
    roles: z.record(RoleKey, PlanRoleSchema),
    steps: z.array(PlanStepSchema).min(1),
    drill: DrillScriptSchema.optional(),
  })
  .strict();
export type Plan = z.infer<typeof PlanSchema>;
