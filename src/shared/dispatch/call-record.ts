import { z } from 'zod';
import { CallProblemSchema } from './call-problem.js';
import { SipUserSchema } from './sip-account.js';

export const callOutcomes = [
  /** Still ringing (outgoing) or waiting in the queue (incoming). */
  'ringing',
  'talking',
  'completed',
  /** Incoming: the caller gave up, or no dispatcher answered, before it was answered. */
  'missed',
  'rejected',
  'busy',
  /** The far end is not registered or did not answer in time. */
  'unavailable',
  'cancelled',
  'transferred',
  /** Signalling or media failed; `problem` says what. */
  'failed',
] as const;
export const CallOutcomeSchema = z.enum(callOutcomes);
export type CallOutcome = z.infer<typeof CallOutcomeSchema>;

/** SIP's Priority header (RFC 3261 §20.26); the incoming queue takes emergency calls first. */
export const callPriorities = ['emergency', 'urgent', 'normal', 'non-urgent'] as const;
export const CallPrioritySchema = z.enum(callPriorities);
export type CallPriority = z.infer<typeof CallPrioritySchema>;

const IsoTime = z.iso.datetime({ offset: true });

/**
 * One call as the call log keeps it. The console's SIP engine writes it when the call starts and again on every
 * change of outcome, so a host killed mid-call keeps the call with its last known state.
 */
export const CallRecordSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
    direction: z.enum(['outgoing', 'incoming']),
    media: z.enum(['audio', 'video']),
    peer: z
      .object({
        user: SipUserSchema,
        name: z.string().max(100).nullable(),
        crewId: z.string().regex(/^CR\d{4}$/).nullable(),
      })
      .strict(),
    priority: CallPrioritySchema,
    startedAt: IsoTime,
    answeredAt: IsoTime.nullable(),
    endedAt: IsoTime.nullable(),
    outcome: CallOutcomeSchema,
    /** What went wrong, as a code each window translates. */
    problem: CallProblemSchema.nullable(),
    incidentId: z.string().max(64).nullable(),
    runId: z.string().max(64).nullable(),
    drill: z.boolean(),
    /** Calls placed together as one group call share this id. */
    groupCallId: z.string().max(64).nullable(),
    /** Who took the call at this console. */
    operator: z.string().max(100),
  })
  .strict();
export type CallRecord = z.infer<typeof CallRecordSchema>;

export const CallKpisSchema = z
  .object({
    /** Since when the figures count. */
    since: IsoTime,
    incomingAnswered: z.number().int(),
    /** 90th percentile of ring time for answered incoming calls; null before the first. */
    incomingAnswerP90Ms: z.number().nullable(),
    /** Share of answered incoming calls answered within 10 s (NFPA 1225) and 15 s (NENA-STA-020.1). */
    incomingWithin10s: z.number().nullable(),
    incomingWithin15s: z.number().nullable(),
    missed: z.number().int(),
    outgoingAnswered: z.number().int(),
    /** How long crews take to answer the console's calls (90th percentile). */
    outgoingAnswerP90Ms: z.number().nullable(),
    failed: z.number().int(),
  })
  .strict();
export type CallKpis = z.infer<typeof CallKpisSchema>;

/** Nearest-rank percentile (the value below which `p` of the samples fall); null for no samples. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? null;
}

export function ringMs(record: CallRecord): number | null {
  return record.answeredAt === null ? null : Date.parse(record.answeredAt) - Date.parse(record.startedAt);
}

export function talkMs(record: CallRecord): number | null {
  return record.answeredAt === null || record.endedAt === null ? null : Date.parse(record.endedAt) - Date.parse(record.answeredAt);
}

/** The dispatch screen's figures over the calls started since `since` (drill calls count apart: not here). */
export function callKpis(records: readonly CallRecord[], since: Date): CallKpis {
  const counted = records.filter((record) => !record.drill && Date.parse(record.startedAt) >= since.getTime());
  const ringTimes = (direction: CallRecord['direction']) =>
    counted.filter((record) => record.direction === direction).flatMap((record) => {
      const ring = ringMs(record);
      return ring === null ? [] : [ring];
    });
  const incoming = ringTimes('incoming');
  const outgoing = ringTimes('outgoing');
  const share = (limitMs: number) => (incoming.length === 0 ? null : incoming.filter((ms) => ms <= limitMs).length / incoming.length);
  return {
    since: since.toISOString(),
    incomingAnswered: incoming.length,
    incomingAnswerP90Ms: percentile(incoming, 0.9),
    incomingWithin10s: share(10_000),
    incomingWithin15s: share(15_000),
    missed: counted.filter((record) => record.direction === 'incoming' && record.outcome === 'missed').length,
    outgoingAnswered: outgoing.length,
    outgoingAnswerP90Ms: percentile(outgoing, 0.9),
    failed: counted.filter((record) => record.outcome === 'failed').length,
  };
}
