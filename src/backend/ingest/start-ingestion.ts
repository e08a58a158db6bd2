import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MqttSetting } from '../../node/host-config.js';
import type { Logger } from '../../node/logger.js';
import { errorMessage } from '../../node/startup-error.js';
import type { Clock } from '../../shared/clock/index.js';
import type { IngestMqttState, IngestStats } from '../../shared/ingest/index.js';
import type { IngestTarget } from '../registry/ingest-target.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.js';
import { connectExternalBroker, type ExternalBroker } from './external-broker.js';
import { LogThrottle } from '../../node/log-throttle.js';
import { handleIngestRequest, INGEST_HTTP_PATH } from './ingest-http.js';
import { Ingestion } from './ingestion.js';
import { SourceCredentials } from './source-credentials.js';
import type { BackendStore } from '../db/backend-store.js';

export interface StartIngestionOptions {
  mqtt: MqttSetting;
  store: BackendStore;
  /** The system of record messages are applied to. */
  target: IngestTarget;
  clock: Clock;
  logger: Logger;
  revocationSweepMs?: number;
}

export interface RunningIngestion {
  /** The path every message takes; the demo simulator calls `receiveSimulated` on it. */
  readonly ingestion: Ingestion;
  /** Answers `POST /ingest/v1/…` and returns true, or returns false for any other request. */
  handleRequest(request: IncomingMessage, response: ServerResponse, url: URL): boolean;
  stats(): IngestStats;
  /** Why the site's MQTT broker is out of reach now, or null. */
  outage(): string | null;
  dispose(): Promise<void>;
}

const REFUSAL_LOG_PERIOD_MS = 10_000;

/**
 * Ingestion as the backend runs it: the checks, the MQTT side (its own broker, a site's, or none) and the HTTP route.
 * The embedded broker's port being taken (another Zhili on this machine holds it) leaves this backend without one and
 * serving: a warning, and the reason in its stats; only losing a site's broker, which every device goes through, is an
 * outage.
 */
export async function startIngestion(options: StartIngestionOptions): Promise<RunningIngestion> {
  const { logger } = options;
  const sources = new SourceCredentials(options.store);
  const ingestion = new Ingestion({ target: options.target, clock: options.clock, logger });
  let embedded: EmbeddedBroker | null = null;
  let external: ExternalBroker | null = null;
  let unavailable: string | null = null;
  if (options.mqtt.kind === 'embedded') {
    try {
      embedded = await startEmbeddedBroker({
        port: options.mqtt.port,
        sources,
        ingestion,
        logger: logger.child('mqtt'),
        ...(options.revocationSweepMs !== undefined ? { revocationSweepMs: options.revocationSweepMs } : {}),
      });
    } catch (error) {
      unavailable = errorMessage(error);
      logger.warn('no MQTT broker: devices can still send over HTTP', { error: unavailable });
    }
  } else if (options.mqtt.kind === 'external') {
    external = connectExternalBroker(options.mqtt, ingestion, logger.child('mqtt'));
  }
  const mqttState = (): IngestMqttState => {
    if (embedded !== null) return { kind: 'embedded', port: embedded.port, clients: embedded.clients() };
    if (external !== null) return external.state();
    return { kind: 'none', reason: unavailable };
  };
  const httpLogger = logger.child('http');
  /** Requests without a valid credential, one line per address each period. */
  const refusedHttpLines = new LogThrottle(REFUSAL_LOG_PERIOD_MS);
  return {
    ingestion,
    handleRequest(request, response, url) {
      if (!url.pathname.startsWith(INGEST_HTTP_PATH)) return false;
      handleIngestRequest(request, response, url, ingestion, sources, httpLogger, refusedHttpLines);
      return true;
    },
    stats: () => ({ mqtt: mqttState(), sources: ingestion.stats() }),
    outage() {
      const state = mqttState();
      if (state.kind === 'external' && !state.connected) return `not connected to the MQTT broker ${state.url}${state.lastError ? `: ${state.lastError}` : ''}`;
      if (state.kind === 'external' && !state.subscribed) return `the MQTT broker ${state.url} has not granted the ingestion topics${state.lastError ? `: ${state.lastError}` : ''}`;
      return null;
    },
    async dispose() {
      await embedded?.close();
      await external?.close();
    },
  };
}
