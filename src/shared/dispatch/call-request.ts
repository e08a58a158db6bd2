import { z } from 'zod';
import { CrewSchema } from '../domain/directory.js';
import { PlanTargetSchema } from '../plans/plan-schema.js';
import { CallPrioritySchema } from './call-record.js';
import { SipUserSchema } from './sip-account.js';

/** The most crews one group call rings: the console mixes them, one audio stream out per member. */
export const MAX_CALL_PARTIES = 20;

/** Whom a call goes to: a SIP user, and the crew behind it when there is one. */
export const CallPartySchema = z
  .object({
    user: SipUserSchema,
    name: z.string().max(100).nullable(),
    crewId: z.string().regex(/^CR\d{4}$/).nullable(),
  })
  .strict();
export type CallParty = z.infer<typeof CallPartySchema>;

/**
 * A call asked for by a window that does not hold the dispatcher seat (the map's "call nearest crew", a plan step):
 * the window holding the seat places it. Several parties make a group call: all who answer join one conversation.
 */
export const CallRequestSchema = z
  .object({
    requestId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
    parties: z.array(CallPartySchema).min(1).max(MAX_CALL_PARTIES),
    media: z.enum(['audio', 'video']),
    priority: CallPrioritySchema,
    incidentId: z.string().max(64).nullable(),
    runId: z.string().max(64).nullable(),
    drill: z.boolean(),
  })
  .strict();
export type CallRequest = z.infer<typeof CallRequestSchema>;

export const ResolveTargetParamsSchema = z
  .object({ target: PlanTargetSchema, incidentId: z.string().max(64).nullable(), drill: z.boolean() })
  .strict();

/** A plan target resolved to crews; those left out say why (off duty, not on the drill roster, too far). */
export const ResolvedTargetSchema = z
  .object({
    crews: z.array(CrewSchema),
    left: z.array(z.object({ crewId: z.string(), name: z.string(), reason: z.enum(['off-duty', 'not-on-drill-roster', 'busy']) }).strict()),
    /** A target this console cannot call (a centre role): the step stays a manual action. */
    unsupported: z.string().nullable(),
  })
  .strict();
export type ResolvedTarget = z.infer<typeof ResolvedTargetSchema>;

export function partyOfCrew(crew: { id: string; name: string; sipExtension: string }): CallParty {
  return { user: crew.sipExtension, name: crew.name, crewId: crew.id };
}
