import type { LngLat } from '../../shared/domain/geo.js';
import type { AlarmMessage, CrewStatusMessage, IncidentReportMessage, SensorReadingMessage, SourceScope, VehiclePositionMessage } from '../../shared/ingest/index.js';

/**
 * A message that passed its schema, its time window and its source's rate, with every position already converted to
 * WGS-84: what the ingestion path hands the registry. Positions are WGS-84 here whatever `crs` the sender used.
 */
export type AcceptedMessage =
  | { kind: 'sensorReading'; deviceId: string; payload: SensorReadingMessage }
  | { kind: 'vehiclePosition'; deviceId: string; payload: Omit<VehiclePositionMessage, 'position' | 'crs'> & { position: LngLat } }
  | { kind: 'crewStatus'; deviceId: string; payload: Omit<CrewStatusMessage, 'position' | 'crs'> & { position: LngLat | null } }
  | { kind: 'incidentReport'; deviceId: null; payload: Omit<IncidentReportMessage, 'position' | 'crs'> & { position: LngLat } }
  | { kind: 'alarm'; deviceId: string; payload: AlarmMessage };

/** Who sent it: the source's name (a credential's, or the device's registered system) and whether it is the demo's simulator. */
export interface IngestOrigin {
  source: string;
  /** The demo simulator's messages keep the city marked as simulated on the map; a real device's make it real. */
  simulated: boolean;
  /** What the source's credential lets it speak for; absent or null: anything (the simulator, a site's broker). */
  scope?: SourceScope | null;
}

/**
 * What the system of record made of a message: applied; about a device it does not know; or superseded, measured
 * before what it already holds of that device.
 */
export type IngestOutcomeAtTarget = 'applied' | 'unknown-device' | 'superseded';

/** The system of record's side of ingestion. */
export interface IngestTarget {
  apply(message: AcceptedMessage, origin: IngestOrigin): IngestOutcomeAtTarget;
}
