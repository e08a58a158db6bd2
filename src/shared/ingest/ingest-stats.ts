import { z } from 'zod';
import { ingestRejections } from './ingest-messages.js';

/** The last message a source had refused: enough for an operator to find it in the dead-letter topic or the log. */
export const IngestRejectionRecordSchema = z.object({
  reason: z.enum(ingestRejections),
  topic: z.string(),
  detail: z.string(),
  at: z.string(),
});
export type IngestRejectionRecord = z.infer<typeof IngestRejectionRecordSchema>;

/** What one source (a credential's name, an external broker, the demo simulator) has sent since the backend started. */
export const IngestSourceStatsSchema = z.object({
  source: z.string(),
  accepted: z.number().int().min(0),
  /** Refused messages by reason; a reason never met is absent. */
  rejected: z.partialRecord(z.enum(ingestRejections), z.number().int().min(0)),
  lastMessageAt: z.string().nullable(),
  lastRejection: IngestRejectionRecordSchema.nullable(),
  /** Messages received (accepted or not) per second, averaged over the last minute. */
  perSecond: z.number().min(0),
});
export type IngestSourceStats = z.infer<typeof IngestSourceStatsSchema>;

/** How devices reach this backend over MQTT: its own broker, a site's broker, or not at all. */
export const IngestMqttStateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('embedded'), port: z.number().int(), clients: z.number().int().min(0) }),
  /** `url` without any user or password; `connected` false while it reconnects; `subscribed` false while the broker refuses the ingestion topics. */
  z.object({ kind: z.literal('external'), url: z.string(), connected: z.boolean(), subscribed: z.boolean(), lastError: z.string().nullable() }),
  /** `reason`: why there is none (the port was taken); null when none was asked for (`--mqtt-port none`). */
  z.object({ kind: z.literal('none'), reason: z.string().nullable() }),
]);
export type IngestMqttState = z.infer<typeof IngestMqttStateSchema>;

/** The ingestion panel's data, and the `ingestion` part of the backend's /healthz. */
export const IngestStatsSchema = z.object({
  mqtt: IngestMqttStateSchema,
  sources: z.array(IngestSourceStatsSchema),
});
export type IngestStats = z.infer<typeof IngestStatsSchema>;
