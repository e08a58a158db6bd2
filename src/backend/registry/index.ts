/** The city's live state, the backend's only system of record for it, and what ingestion hands it. */
export { CityRegistry, DRILL_INCIDENT_LIFETIME_MS, OPERATOR_INCIDENT_LIFETIME_MS, SENSOR_HISTORY_SAMPLES, type RegistryFlush } from './city-registry.js';
export type { AcceptedMessage, IngestOrigin, IngestOutcomeAtTarget, IngestTarget } from './ingest-target.js';
