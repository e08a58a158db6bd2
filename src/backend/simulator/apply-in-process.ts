import { ingestTopics, matchIngestTopic } from '../../shared/ingest/index.js';
import type { AcceptedMessage, IngestTarget } from '../registry/index.js';

const simulatorOrigin = { source: 'simulator', simulated: true } as const;

/** Hands the simulator's messages to the registry, each checked against its topic's schema (its positions are WGS-84). */
export function applySimulatedMessages(messages: readonly { topic: string; payload: unknown }[], target: IngestTarget): void {
  for (const { topic, payload } of messages) {
    const match = matchIngestTopic(topic);
    if (match === null) throw new Error(`The simulator published to ${topic}, which is not an ingestion topic.`);
    const parsed = ingestTopics[match.kind].schema.parse(payload);
    target.apply({ kind: match.kind, deviceId: match.deviceId, payload: parsed } as AcceptedMessage, simulatorOrigin);
  }
}
