/** Ingestion: how devices and the city's systems reach the system of record, over MQTT, HTTP or in process. */
export { Ingestion, SIMULATOR_ORIGIN, type DeadLetter, type IngestOutcome } from './ingestion.js';
export { startIngestion, type RunningIngestion, type StartIngestionOptions } from './start-ingestion.js';
export { SourceCredentials, type IngestSource } from './source-credentials.js';
export { runSourceAdmin, sourceAdminOptions, takeSourceScope } from './source-admin.js';
