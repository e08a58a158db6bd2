/** The ingestion panel: per source, what the backend received and refused. */
export { IngestPanel } from './IngestPanel.js';
