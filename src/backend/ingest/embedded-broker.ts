import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { createServer, type Server } from 'node:net';
import { LogThrottle } from '../../node/log-throttle.js';
import type { Logger } from '../../node/logger.js';
import { LOOPBACK_HOST } from '../../node/host-config.js';
import { listen } from '../../node/listen.js';
import { errorMessage } from '../../node/startup-error.js';
import { shortened } from '../../shared/contract/errors.js';
import { DEAD_LETTER_TOPIC_PREFIX, INGEST_TOPIC_ROOT, type SourceScope } from '../../shared/ingest/index.js';
import { MAX_INGEST_BYTES, type Ingestion } from './ingestion.js';
import { guardMqttPacketSize } from './mqtt-packet-guard.js';
import type { SourceCredentials } from './source-credentials.js';

/** A source revoked from another process (--revoke-source) loses its connections within this period. */
const REVOCATION_SWEEP_MS = 2000;
/** MQTT 3.1.1's CONNACK code for a refused username or password. */
const BAD_USERNAME_OR_PASSWORD = 4;
/** MQTT 3.1.1's CONNACK code for a server that cannot serve now. */
const SERVER_UNAVAILABLE = 3;
/** The contract's topics have at most five levels; a dead-letter subscription three. */
const MAX_TOPIC_LEVELS = 8;
/** A message ingestion would take, with room for its topic and MQTT's own fields; anything longer is refused unread. */
const MAX_MQTT_PACKET_BYTES = MAX_INGEST_BYTES + 1024;
const CONNECT_TIMEOUT_MS = 5000;
const REFUSAL_LOG_PERIOD_MS = 10_000;

export interface EmbeddedBrokerOptions {
  /** 0: any free port. */
  port: number;
  sources: SourceCredentials;
  ingestion: Ingestion;
  logger: Logger;
  revocationSweepMs?: number;
}

export interface EmbeddedBroker {
  readonly port: number;
  clients(): number;
  close(): Promise<void>;
}

/**
 * The backend's own MQTT broker (aedes, MQTT 3.1.1), on loopback: devices and platforms on this machine, or reaching
 * it through a tunnel, publish with their source's name and credential; a site whose devices are elsewhere on its
 * network runs its own broker (with TLS) and gives the backend --mqtt-url. A source may publish only under zhili/v1/
 * (what is not a topic of the contract is dead-lettered there, so the device sees why) and subscribe only to its own
 * dead letters. Nothing is retained: the registry, not the broker, holds the city's state.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { sources, ingestion, logger } = options;
  /** Each connected client's source and the credential it proved, checked again by the revocation sweep. */
  const connected = new Map<Client, { source: string; credential: string; scope: SourceScope | null }>();
  /** Refused logins, one line per address each period (a guessing client would otherwise write one each). */
  const refusedLines = new LogThrottle(REFUSAL_LOG_PERIOD_MS);
  const broker = await Aedes.createBroker({
    maxTopicLevels: MAX_TOPIC_LEVELS,
    drainTimeout: 10_000,
    // A connection that has not logged in within this is closed (aedes' default is 30 s).
    connectTimeout: CONNECT_TIMEOUT_MS,
    authenticate(client, username, password, done) {
      const credential = password?.toString('utf8');
      sources.authenticate(credential, username ?? '').then(
        (authentication) => {
          if (!authentication.ok || credential === undefined) {
            const address = addressOf(client);
            const line = refusedLines.take(address ?? '', performance.now());
            if (line.due) {
              logger.warn('refused an MQTT connection', { detail: authentication.ok ? 'no-credential' : authentication.detail, username: shortened(username ?? ''), address, suppressedSinceLastLine: line.suppressed });
            }
            return done(Object.assign(new Error('Bad username or password'), { returnCode: BAD_USERNAME_OR_PASSWORD }) as AuthenticateError, false);
          }
          // The check is asynchronous: a client that went away meanwhile is not kept (nor swept for ever).
          if (client.conn.destroyed) return done(Object.assign(new Error('Gone'), { returnCode: SERVER_UNAVAILABLE }) as AuthenticateError, false);
          connected.set(client, { source: authentication.name, credential, scope: authentication.scope });
          client.conn.once('close', () => connected.delete(client));
          done(null, true);
        },
        (error: unknown) => {
          // The database out of reach: the device is told to come back later, not that its credential is wrong.
          logger.error('could not check an MQTT credential', { error: errorMessage(error), address: addressOf(client) });
          done(Object.assign(new Error('Server unavailable'), { returnCode: SERVER_UNAVAILABLE }) as AuthenticateError, false);
        },
      );
    },
    authorizePublish(client, packet, callback) {
      // The broker's own publications (dead letters) have no client.
      if (client === null) return callback(null);
      const topic = packet.topic;
      if (!topic.startsWith(`${INGEST_TOPIC_ROOT}/`) || topic.startsWith(`${DEAD_LETTER_TOPIC_PREFIX}/`) || topic === DEAD_LETTER_TOPIC_PREFIX) {
        logger.warn('refused an MQTT publication outside the ingestion topics, and closed its connection', { source: connected.get(client)?.source, topic: shortened(topic) });
        return callback(new Error('Sources publish under zhili/v1/ only.'));
      }
      packet.retain = false;
      callback(null);
    },
    authorizeSubscribe(client, subscription, callback) {
      const source = connected.get(client)?.source;
      if (source !== undefined && subscription.topic === deadLetterTopic(source)) return callback(null, subscription);
      logger.warn('refused an MQTT subscription', { source, topic: shortened(subscription.topic) });
      // A SUBACK that refuses this one (0x80); the connection stays.
      callback(null, null);
    },
  });
  broker.on('publish', (packet, client) => {
    const sender = client === null ? undefined : connected.get(client);
    if (sender !== undefined) ingestion.receive(packet.topic, packet.payload, { source: sender.source, simulated: false, scope: sender.scope });
  });
  broker.on('clientError', (client, error) => logger.debug('an MQTT client failed', { source: connected.get(client)?.source, error: error.message }));
  const stopDeadLetters = ingestion.addDeadLetterSink((source, letter) => {
    broker.publish({ cmd: 'publish', topic: deadLetterTopic(source), payload: Buffer.from(JSON.stringify(letter)), qos: 0, retain: false, dup: false }, (error) => {
      if (error) logger.warn('could not publish a dead letter', { source, error: error.message });
    });
  });

  const server: Server = createServer((socket) => {
    guardMqttPacketSize(socket, MAX_MQTT_PACKET_BYTES, (declaredBytes) => {
      logger.warn('closed an MQTT connection whose packet was too large', { declaredBytes, limit: MAX_MQTT_PACKET_BYTES, address: socket.remoteAddress });
      socket.destroy();
    });
    broker.handle(socket);
  });
  let port: number;
  try {
    port = await listen(server, LOOPBACK_HOST, options.port, 'MQTT broker', '--mqtt-port');
  } catch (error) {
    stopDeadLetters();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw error;
  }
  let sweeping = false;
  const sweep = setInterval(() => {
    // A slow database must not start a second sweep over the same clients.
    if (sweeping) return;
    sweeping = true;
    void (async () => {
      for (const [client, { source, credential }] of connected) {
        if ((await sources.authenticate(credential, source)).ok) continue;
        logger.warn('closed the MQTT connection of a source whose credential was revoked', { source, clientId: shortened(client.id) });
        connected.delete(client);
        client.close();
      }
    })()
      .catch((error: unknown) => logger.warn('could not check the connected sources\' credentials; tried again at the next sweep', { error: errorMessage(error) }))
      .finally(() => {
        sweeping = false;
      });
  }, options.revocationSweepMs ?? REVOCATION_SWEEP_MS);
  sweep.unref();
  logger.info('MQTT broker listening', { host: LOOPBACK_HOST, port });

  return {
    port,
    clients: () => connected.size,
    close: async () => {
      clearInterval(sweep);
      stopDeadLetters();
      for (const client of connected.keys()) client.close();
      await Promise.all([
        new Promise<void>((resolve) => server.close(() => resolve())),
        new Promise<void>((resolve) => broker.close(() => resolve())),
      ]);
    },
  };
}

/** Where a source's refused messages are republished, and the one topic it may subscribe to. */
export function deadLetterTopic(source: string): string {
  return `${DEAD_LETTER_TOPIC_PREFIX}/${source}`;
}

function addressOf(client: Client): string | undefined {
  return (client.conn as { remoteAddress?: string }).remoteAddress;
}
