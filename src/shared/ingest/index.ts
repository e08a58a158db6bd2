/** The ingestion contract: what devices and the city's systems send the backend, over MQTT or HTTP, and how it fares. */
export * from './ingest-messages.js';
export * from './ingest-stats.js';
