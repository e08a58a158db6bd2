import { z } from 'zod';
import { incidentSeverities } from '../domain/feed.js';
import { PlanSchema } from './plan-schema.js';
import { RunCommandSchema, RunEventSchema, RunIncidentSchema, RunModeSchema, RunStateSchema } from './run-model.js';

const Text = z.object({ zh: z.string(), en: z.string() });

export const PlanSummarySchema = z.object({
  id: z.string(),
  version: z.number().int(),
  title: Text,
  summary: Text,
  incidentTypes: z.array(z.string()),
  minSeverity: z.enum(incidentSeverities),
  sourceFile: z.string(),
  stepCount: z.number().int(),
});
export type PlanSummary = z.infer<typeof PlanSummarySchema>;

export const PlanFileProblemSchema = z.object({ file: z.string(), line: z.number().int(), column: z.number().int(), message: z.string() });

export const PlanLibrarySchema = z.object({
  plans: z.array(PlanSummarySchema),
  /** Files that could not be loaded, or changed without a new version; the stored copies stay in use. */
  problems: z.array(PlanFileProblemSchema),
});
export type PlanLibrary = z.infer<typeof PlanLibrarySchema>;

export const RunEventRecordSchema = z.object({ seq: z.number().int(), event: RunEventSchema, origin: z.string() });
export type RunEventRecord = z.infer<typeof RunEventRecordSchema>;

export const RunViewSchema = z.object({
  /** The console that drives the run; other consoles follow it read-only. */
  origin: z.string(),
  state: RunStateSchema,
  plan: PlanSchema,
  events: z.array(RunEventRecordSchema),
});
export type RunView = z.infer<typeof RunViewSchema>;

export const RunSummarySchema = z.object({
  runId: z.string(),
  planId: z.string(),
  planVersion: z.number().int(),
  title: Text,
  mode: RunModeSchema,
  drillId: z.string().nullable(),
  status: z.enum(['active', 'completed', 'aborted']),
  startedAt: z.string(),
  incident: RunIncidentSchema.nullable(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const StartRunParamsSchema = z
  .object({
    planId: z.string().min(1),
    incidentId: z.string().min(1).nullable(),
    mode: RunModeSchema,
  })
  .strict();

export const RunCommandParamsSchema = z.object({ runId: z.string().min(1), command: RunCommandSchema }).strict();


/** An automatic trigger met by an incident: offered to the operator, launched only by a confirming click. */
export const ProposalSchema = z.object({
  incidentId: z.string(),
  incidentTitle: z.string(),
  planId: z.string(),
  planTitle: Text,
  /** Drill incidents propose drill runs. */
  drillId: z.string().nullable(),
  proposedAt: z.string(),
});
export type Proposal = z.infer<typeof ProposalSchema>;
