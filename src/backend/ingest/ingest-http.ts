import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../../node/http-safety.js';
import type { LogThrottle } from '../../node/log-throttle.js';
import type { Logger } from '../../node/logger.js';
import { errorMessage } from '../../node/startup-error.js';
import { INGEST_TOPIC_ROOT, type IngestRejection } from '../../shared/ingest/index.js';
import type { IngestOrigin } from '../registry/ingest-target.js';
import { MAX_INGEST_BYTES, type Ingestion } from './ingestion.js';
import type { SourceCredentials } from './source-credentials.js';

/** `POST /ingest/v1/<topic after zhili/v1/>`: the same messages as over MQTT, for systems that only speak HTTP. */
export const INGEST_HTTP_PATH = '/ingest/v1/';

const statusOf: Record<IngestRejection, number> = {
  'unknown-topic': 404,
  'not-json': 400,
  schema: 400,
  'unknown-device': 422,
  'from-the-future': 400,
  'too-old': 400,
  'rate-limited': 429,
  'too-large': 413,
  'not-permitted': 403,
  superseded: 409,
  internal: 500,
};

/**
 * Answers an ingestion request: 202 when the message is accepted, the rejection's code and detail otherwise, 401
 * without a source's credential in `Authorization: Bearer` (never in the URL, which logs and proxies keep), 503 while
 * the database that holds the credentials is out of reach.
 */
export function handleIngestRequest(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  ingestion: Ingestion,
  sources: SourceCredentials,
  logger: Logger,
  refusedLines: LogThrottle,
): void {
  const reply = (status: number, body: object) => {
    response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...(status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {}) });
    response.end(JSON.stringify(body));
  };
  if (request.method !== 'POST') {
    response.setHeader('Allow', 'POST');
    return reply(405, { error: 'method-not-allowed', detail: 'Send messages with POST.' });
  }
  const receive = (origin: IngestOrigin) => {
    const topic = `${INGEST_TOPIC_ROOT}/${url.pathname.slice(INGEST_HTTP_PATH.length)}`;
    readBody(request, MAX_INGEST_BYTES, (body) => {
      const outcome =
        body === null ? ingestion.refuseUnread(topic, origin, 'too-large', `more than ${MAX_INGEST_BYTES} bytes`) : ingestion.receive(topic, body, origin);
      if (outcome.accepted) return reply(202, { accepted: true });
      reply(statusOf[outcome.reason], { error: outcome.reason, detail: outcome.detail });
    });
  };
  const header = request.headers.authorization ?? '';
  sources.authenticate(/^Bearer (\S+)$/i.exec(header)?.[1]).then(
    (authentication) => {
      if (!authentication.ok) {
        const address = request.socket.remoteAddress ?? '';
        const line = refusedLines.take(address, performance.now());
        if (line.due) logger.warn('refused an ingestion request without a valid source credential', { detail: authentication.detail, address, suppressedSinceLastLine: line.suppressed });
        return reply(401, { error: 'unauthorized', detail: 'Send the source credential as "Authorization: Bearer <credential>" (the backend gives it with --add-source).' });
      }
      receive({ source: authentication.name, simulated: false, scope: authentication.scope });
    },
    (error: unknown) => {
      logger.error('could not check an ingestion credential', { error: errorMessage(error), address: request.socket.remoteAddress });
      response.setHeader('Retry-After', '5');
      reply(503, { error: 'unavailable', detail: 'The backend cannot check credentials now: send again shortly.' });
    },
  );
}
