import type { CityFeed } from '../feed/city-feed.js';
import type { IngestTarget } from './ingest-target.js';

/**
 * Until the registry is the system of record, ingestion applies what the simulated feed can take: crew statuses.
 * Every other message is refused as naming no device the backend keeps, so it is dead-lettered, not lost.
 */
export function feedIngestTarget(feed: CityFeed): IngestTarget {
  return {
    apply(message) {
      if (message.kind !== 'crewStatus' || !feed.crews().some((crew) => crew.id === message.deviceId)) return 'unknown-device';
      feed.reportCrew(message.deviceId, { status: message.payload.status, position: message.payload.position }, new Date(message.payload.at));
      return 'applied';
    },
  };
}
