import { z } from 'zod';
import { PlanSchema } from '../plans/plan-schema.js';
import { RunEventSchema, RunModeSchema } from '../plans/run-model.js';

/**
 * What consoles share through the backend. Every record names its origin console and has a key that identifies it
 * for good: the backend stores a key once (a resent record is acknowledged, not stored again), so delivery at least
 * once from the outbox becomes an effect exactly once. Runs and their events are append-only; plan versions are
 * immutable, so two different bodies under one key are a conflict, never an overwrite.
 */
export const SyncRecordSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('plan-version'),
    key: z.string(),
    origin: z.string(),
    body: z.object({ plan: PlanSchema, sha256: z.string(), sourceFile: z.string() }),
  }),
  z.object({
    kind: z.literal('run'),
    key: z.string(),
    origin: z.string(),
    body: z.object({
      runId: z.string(),
      planId: z.string(),
      planVersion: z.number().int(),
      mode: RunModeSchema,
      drillId: z.string().nullable(),
      startedAt: z.string(),
    }),
  }),
  z.object({
    kind: z.literal('run-event'),
    key: z.string(),
    origin: z.string(),
    body: z.object({ runId: z.string(), seq: z.number().int().min(1), event: RunEventSchema }),
  }),
]);
export type SyncRecord = z.infer<typeof SyncRecordSchema>;

export const planVersionKey = (planId: string, version: number) => `plan:${planId}@${version}`;
export const runKey = (runId: string) => `run:${runId}`;
export const runEventKey = (runId: string, seq: number) => `run-event:${runId}#${seq}`;

/** Two consoles stored different plans under one (id, version): the backend keeps the first it received. */
export const SyncConflictSchema = z.object({
  key: z.string(),
  /** The console whose record the backend keeps (first received). */
  keptFrom: z.string(),
  /** The console whose record was refused; it keeps its own copy locally and must publish it as a new version. */
  refusedFrom: z.string(),
  at: z.string(),
});
export type SyncConflict = z.infer<typeof SyncConflictSchema>;

/** A record as the backend logged it, with its place in the backend's one sequence (the catch-up cursor). */
export const LoggedRecordSchema = z.object({ seq: z.number().int(), record: SyncRecordSchema });
export type LoggedRecord = z.infer<typeof LoggedRecordSchema>;

export const PushResultSchema = z.object({
  /** Keys now stored at the backend (newly, or identical to what it had): the sender may drop them from its outbox. */
  stored: z.array(z.string()),
  conflicts: z.array(SyncConflictSchema),
});
export type PushResult = z.infer<typeof PushResultSchema>;

export const SyncStatusSchema = z.object({
  /** Records written here that the backend has not acknowledged yet. */
  pending: z.number().int(),
  lastPushedAt: z.string().nullable(),
  conflicts: z.array(SyncConflictSchema),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;
