import { randomBytes } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';
import type { Logger } from '../../node/logger.js';
import { readPemFile } from '../../node/tls/index.js';
import { backoffDelay, type BackoffPolicy } from '../../shared/backoff.js';
import { shortened } from '../../shared/contract/errors.js';
import { DEAD_LETTER_TOPIC_PREFIX, INGEST_TOPIC_ROOT, type IngestMqttState } from '../../shared/ingest/index.js';
import { deadLetterTopic } from './embedded-broker.js';
import { SITE_BROKER_RATE, type Ingestion } from './ingestion.js';

/** Every backend node subscribes in this group, so the site's broker gives each message to one node only. */
export const SHARE_GROUP = 'zhili-backend';
const RECONNECT: BackoffPolicy = { initialMs: 1000, maxMs: 30_000, jitter: 0.3 };

/** A site's broker (`--mqtt-url`), and how the backend logs in to it. */
export interface ExternalBrokerSetting {
  url: string;
  username: string | null;
  password: string | null;
  /** A PEM file of the certificate authority an mqtts:// broker's certificate is checked against (default: the system's). */
  caFile: string | null;
}

export interface ExternalBroker {
  state(): Extract<IngestMqttState, { kind: 'external' }>;
  close(): Promise<void>;
}

/**
 * The backend as a client of a site's MQTT 5 broker (EMQX, Mosquitto): it takes the ingestion topics through a shared
 * subscription, so several backend nodes split the load and none handles a message twice, and publishes dead letters
 * there. The broker authenticates the devices, so everything received is from one source, `mqtt:<broker host>`, held to
 * a site's rate rather than a device system's.
 * Lost connections are retried with growing, jittered delays; dead letters are not queued while it is away.
 */
export function connectExternalBroker(
  setting: ExternalBrokerSetting,
  ingestion: Ingestion,
  logger: Logger,
  { group = SHARE_GROUP, reconnect = RECONNECT }: { group?: string; reconnect?: BackoffPolicy } = {},
): ExternalBroker {
  const subscription = `$share/${group}/${INGEST_TOPIC_ROOT}/#`;
  const url = new URL(setting.url);
  const source = `mqtt:${url.hostname}`;
  ingestion.rateSource(source, SITE_BROKER_RATE);
  const shownUrl = `${url.protocol}//${url.host}`;
  let connected = false;
  /** Connected is not enough: a broker whose ACL refuses the subscription sends this node nothing. */
  let subscribed = false;
  let lastError: string | null = null;
  let attempt = 0;
  let retry: NodeJS.Timeout | null = null;
  let closing = false;
  const client: MqttClient = connect(setting.url, {
    protocolVersion: 5,
    clientId: `zhili-backend-${randomBytes(6).toString('hex')}`,
    clean: true,
    // Retries are ours (with back-off), and the shared subscription is made anew on every connection.
    reconnectPeriod: 0,
    resubscribe: false,
    // A dead letter published while the broker is away is logged and counted already; queueing them would grow without bound.
    queueQoSZero: false,
    connectTimeout: 10_000,
    ...(setting.username !== null ? { username: setting.username } : {}),
    ...(setting.password !== null ? { password: setting.password } : {}),
    ...(setting.caFile !== null ? { ca: readPemFile(setting.caFile, '--mqtt-ca-file') } : {}),
  });
  client.on('connect', () => {
    connected = true;
    subscribed = false;
    attempt = 0;
    logger.info('connected to the MQTT broker', { url: shownUrl });
    client.subscribe(subscription, { qos: 1 }, (error, granted) => {
      const refused = error ?? (granted?.some((grant) => grant.qos >= 128) ? new Error(`the broker refused ${subscription}`) : null);
      if (refused) {
        lastError = refused.message;
        logger.error('could not subscribe to the ingestion topics: nothing is ingested from this broker', { url: shownUrl, error: refused.message });
        return;
      }
      subscribed = true;
      lastError = null;
    });
  });
  client.on('message', (topic, payload) => {
    // The group's own dead letters (this node's and the others') come back through the same subscription.
    if (topic.startsWith(`${DEAD_LETTER_TOPIC_PREFIX}/`)) return;
    ingestion.receive(topic, payload, { source, simulated: false });
  });
  client.on('error', (error) => {
    lastError = error.message;
    logger.debug('MQTT broker error', { url: shownUrl, error: error.message });
  });
  client.on('close', () => {
    if (connected) logger.warn('lost the MQTT broker; reconnecting', { url: shownUrl, error: lastError });
    connected = false;
    subscribed = false;
    if (closing || retry !== null) return;
    const delay = backoffDelay(reconnect, attempt);
    attempt += 1;
    if (attempt === 5) logger.warn('still cannot reach the MQTT broker', { url: shownUrl, error: lastError });
    retry = setTimeout(() => {
      retry = null;
      if (!closing) client.reconnect();
    }, delay);
    retry.unref();
  });
  const stopDeadLetters = ingestion.addDeadLetterSink((from, letter) => {
    if (!connected) return;
    client.publish(deadLetterTopic(from), JSON.stringify(letter), { qos: 0 }, (error) => {
      if (error) logger.debug('could not publish a dead letter', { source: from, error: shortened(error.message) });
    });
  });
  return {
    state: () => ({ kind: 'external', url: shownUrl, connected, subscribed, lastError }),
    close: async () => {
      closing = true;
      if (retry !== null) clearTimeout(retry);
      stopDeadLetters();
      await client.endAsync(true);
    },
  };
}
