/** The ingestion contract: what devices and the city's systems send the backend, over MQTT or HTTP. */
export * from './ingest-messages.js';
