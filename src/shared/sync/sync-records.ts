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
    key: z.string().max(300),
    origin: z.string().min(1).max(100),
    body: z.object({
      plan: PlanSchema,
      /** SHA-256 (hex) of the plan file's text: the version's fingerprint, compared when two consoles store one version. */
      sha256: z.string(),
      sourceFile: z.string(),
      /** The plan file as written (comments included), so every console exports the original; absent from consoles that predate it. */
      sourceText: z.string().optional(),
    }),
  }),
  z.object({
    kind: z.literal('run'),
    key: z.string().max(300),
    origin: z.string().min(1).max(100),
    body: z.object({
      runId: z.string().min(1).max(100),
      planId: z.string(),
      planVersion: z.number().int(),
      mode: RunModeSchema,
      drillId: z.string().nullable(),
      startedAt: z.string(),
    }),
  }),
  z.object({
    kind: z.literal('run-event'),
    key: z.string().max(300),
    origin: z.string().min(1).max(100),
    body: z.object({ runId: z.string().min(1).max(100), seq: z.number().int().min(1), event: RunEventSchema }),
  }),
]);
export type SyncRecord = z.infer<typeof SyncRecordSchema>;

export const planVersionKey = (planId: string, version: number) => `plan:${planId}@${version}`;
export const runKey = (runId: string) => `run:${runId}`;
export const runEventKey = (runId: string, seq: number) => `run-event:${runId}#${seq}`;

/** The key a record's body implies: a record under any other key is refused (it could shadow another record). */
export function expectedKey(record: SyncRecord): string {
  switch (record.kind) {
    case 'plan-version':
      return planVersionKey(record.body.plan.id, record.body.plan.version);
    case 'run':
      return runKey(record.body.runId);
    case 'run-event':
      return runEventKey(record.body.runId, record.body.seq);
  }
}

/** The size a record travels at (its JSON in UTF-8), checked against MAX_SYNC_RECORD_BYTES on both sides. */
export function recordBytes(record: unknown): number {
  const text = JSON.stringify(record) ?? '';
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    // A surrogate pair is one 4-byte character: its high half counts 4, its low half nothing.
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code < 0xdc00) bytes += 4;
    else if (code < 0xdc00 || code >= 0xe000) bytes += 3;
  }
  return bytes;
}

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

/**
 * Why a record was not stored (by the backend, or by the console that sent it) or not applied (by a console that
 * received it). A refused or set-aside record never blocks the records behind it: it is kept, with its reason, and
 * shown to the operator.
 */
export const syncRefusalReasons = [
  /** The record does not match the sync schema. */
  'invalid-record',
  /** Larger than one record may be (MAX_SYNC_RECORD_BYTES). */
  'too-large',
  /** Its key is not the one its body implies. */
  'bad-key',
  /** Pushed by a console other than its origin. */
  'not-own-record',
  /** A run of a plan version the backend (or this console) does not have. */
  'unknown-plan-version',
  /** An event of a run the backend (or this console) does not have. */
  'unknown-run',
  /** An event appended by a console that does not drive the run. */
  'not-run-owner',
  /** An event whose number is not the run's next one. */
  'event-out-of-order',
  /** An event after the run finished. */
  'run-finished',
  /** A hand-over that does not name the run's current driver, or that a console made to itself. */
  'bad-handover',
  /** A different event under a number this console already holds (e.g. its own, made before a hand-over). */
  'conflicting-event',
  /** A plan version whose source text does not hash to its fingerprint or does not parse to its plan. */
  'source-mismatch',
  /** Storing it failed for another reason (logged with the record's key). */
  'apply-failed',
] as const;
export const SyncRefusalReasonSchema = z.enum(syncRefusalReasons);
export type SyncRefusalReason = z.infer<typeof SyncRefusalReasonSchema>;

/** Bigger records are refused by sender and backend alike; batches stay under the backend's message cap. */
export const MAX_SYNC_RECORD_BYTES = 256 * 1024;
/** One push: well under the backend's 1 MB socket.io message cap, envelope included. */
export const MAX_SYNC_BATCH_BYTES = 512 * 1024;
export const MAX_SYNC_BATCH_RECORDS = 500;

export const SyncRefusalSchema = z.object({ key: z.string().max(300), reason: SyncRefusalReasonSchema, detail: z.string().max(500) });
export type SyncRefusal = z.infer<typeof SyncRefusalSchema>;

/** One page of a catch-up: the records after a cursor, and the sequence the page reaches (the next cursor). */
export const SyncPageSchema = z.object({
  records: z.array(LoggedRecordSchema),
  /** The last sequence the backend looked at; rows it could not read are passed over, not stopped at. */
  through: z.number().int().min(0),
  /** Whether the log goes on past `through`. */
  more: z.boolean(),
});
export type SyncPage = z.infer<typeof SyncPageSchema>;

export const PushResultSchema = z.object({
  /** Keys now stored at the backend (newly, or identical to what it had): the sender may drop them from its outbox. */
  stored: z.array(z.string()),
  conflicts: z.array(SyncConflictSchema),
  /** Records the backend will not store, each with why; the sender keeps them aside and sends what follows. */
  refused: z.array(SyncRefusalSchema),
});
export type PushResult = z.infer<typeof PushResultSchema>;

/** A record this console could not send (refused) or could not apply (received), kept with its reason. */
export const SetAsideRecordSchema = z.object({
  key: z.string(),
  direction: z.enum(['out', 'in']),
  /** The console the record came from. */
  origin: z.string(),
  reason: SyncRefusalReasonSchema,
  detail: z.string(),
  at: z.string(),
});
export type SetAsideRecord = z.infer<typeof SetAsideRecordSchema>;

export const SyncStatusSchema = z.object({
  /** Records written here that the backend has not acknowledged yet. */
  pending: z.number().int(),
  lastPushedAt: z.string().nullable(),
  conflicts: z.array(SyncConflictSchema),
  /** How many records are set aside in all, and the latest of them (newest first). */
  setAsideCount: z.number().int(),
  setAside: z.array(SetAsideRecordSchema),
  /** The backend's sequence this console has applied through (every record up to it, none twice). */
  cursor: z.number().int(),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;
