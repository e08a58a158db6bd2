import { once } from 'node:events';
import { createConnection } from 'node:net';
import { connectAsync, type MqttClient } from 'mqtt';
import { generate } from 'mqtt-packet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { testStores } from '../../../test/helpers/test-stores.js';
import { waitUntil } from '../../../test/helpers/wait.js';
import { systemClock } from '../../shared/clock/index.js';
import type { AcceptedMessage, IngestOrigin } from '../registry/ingest-target.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.js';
import { Ingestion, type DeadLetter } from './ingestion.js';
import { SourceCredentials } from './source-credentials.js';

describe('the embedded MQTT broker', () => {
  const stores = testStores('sqlite');
  let sources: SourceCredentials;
  let broker: EmbeddedBroker;
  let applied: [AcceptedMessage, IngestOrigin][];
  let credential: string;
  const clients: MqttClient[] = [];
  const logger = recordingLogger();

  beforeEach(async () => {
    sources = new SourceCredentials(await stores.fresh());
    credential = (await sources.add('district-platform')).credential;
    applied = [];
    const ingestion = new Ingestion({
      target: { apply: (message, origin) => (message.deviceId === 'S1' ? (applied.push([message, origin]), 'applied') : 'unknown-device') },
      clock: systemClock,
      logger,
    });
    broker = await startEmbeddedBroker({ port: 0, sources, ingestion, logger, revocationSweepMs: 100 });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
    await broker.close();
  });

  const connect = async (username: string | undefined, password: string | undefined) => {
    const client = await connectAsync(`mqtt://127.0.0.1:${broker.port}`, { ...(username ? { username } : {}), ...(password ? { password } : {}), reconnectPeriod: 0, connectTimeout: 5000 });
    clients.push(client);
    return client;
  };
  const reading = () => JSON.stringify({ value: 3.5, at: new Date().toISOString() });

  it('closes a connection whose packet declares more than a message may be, before reading it, logged in or not', async () => {
    for (const loggedIn of [false, true]) {
      const socket = createConnection(broker.port, '127.0.0.1');
      await once(socket, 'connect');
      if (loggedIn) {
        socket.write(generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'big', clean: true, keepalive: 30, username: 'district-platform', password: Buffer.from(credential) }));
        await once(socket, 'data');
      }
      // The header of a 200 MB packet, and a first slice of its body.
      socket.write(Buffer.concat([Buffer.from([loggedIn ? 0x30 : 0x10, 0xff, 0xff, 0xff, 0x5f]), Buffer.alloc(1024)]));
      await once(socket, 'close');
    }
    expect(logger.records.filter((record) => record.message === 'closed an MQTT connection whose packet was too large')).toHaveLength(2);
  });

  it('refuses a connection without a credential, with a wrong one, or under another source name', async () => {
    const other = (await sources.add('other')).credential;
    await expect(connect(undefined, undefined)).rejects.toThrow(/Bad username or password/);
    await expect(connect('district-platform', `${credential.split('.')[0]}.${other.split('.')[1]}`)).rejects.toThrow(/Bad username or password/);
    await expect(connect('district-platform', other)).rejects.toThrow(/Bad username or password/);
    await expect(connect('district-platform', 'not a credential')).rejects.toThrow(/Bad username or password/);
    expect(broker.clients()).toBe(0);
  });

  it('hands what a source publishes to ingestion, as that source', async () => {
    const client = await connect('district-platform', credential);
    await client.publishAsync('zhili/v1/sensors/S1/reading', reading(), { qos: 1 });
    await waitUntil(() => applied.length, (count) => count === 1, 'the reading to reach the target');
    expect(applied[0]?.[0]).toMatchObject({ kind: 'sensorReading', deviceId: 'S1', payload: { value: 3.5 } });
    expect(applied[0]?.[1]).toEqual({ source: 'district-platform', simulated: false, scope: null });
  });

  it('closes a connection that publishes outside zhili/v1/ or on the dead-letter topics', async () => {
    for (const topic of ['city/sensors/S1', 'zhili/v1/dead-letter/other']) {
      const client = await connect('district-platform', credential);
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.publish(topic, reading());
      await closed;
    }
    expect(applied).toEqual([]);
  });

  it('lets a source subscribe to its own dead letters only, and sends them there', async () => {
    const client = await connect('district-platform', credential);
    // aedes speaks MQTT 3.1.1, without shared subscriptions: a $share form would never receive anything, so it is refused.
    for (const forbidden of ['zhili/v1/#', 'zhili/v1/dead-letter/other', 'zhili/v1/dead-letter/+', '$share/g/zhili/v1/dead-letter/district-platform']) {
      await expect(client.subscribeAsync(forbidden), forbidden).rejects.toThrow(/Subscribe error/);
    }
    expect(await client.subscribeAsync('zhili/v1/dead-letter/district-platform')).toEqual([{ topic: 'zhili/v1/dead-letter/district-platform', qos: 0 }]);
    const letters: DeadLetter[] = [];
    client.on('message', (topic, payload) => letters.push(JSON.parse(payload.toString()) as DeadLetter));
    await client.publishAsync('zhili/v1/sensors/S2/reading', reading(), { qos: 1 });
    await client.publishAsync('zhili/v1/sensors/S1/reading', '{oops', { qos: 1 });
    await waitUntil(() => letters.length, (count) => count === 2, 'two dead letters');
    expect(letters).toEqual([
      expect.objectContaining({ topic: 'zhili/v1/sensors/S2/reading', reason: 'unknown-device', payload: expect.stringContaining('3.5') }),
      expect.objectContaining({ topic: 'zhili/v1/sensors/S1/reading', reason: 'not-json', payload: '{oops' }),
    ]);
  });

  it('closes the connections of a revoked source and refuses it from then on', async () => {
    const client = await connect('district-platform', credential);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    expect(broker.clients()).toBe(1);
    await sources.revoke('district-platform');
    await closed;
    expect(broker.clients()).toBe(0);
    await expect(connect('district-platform', credential)).rejects.toThrow(/Bad username or password/);
  });
});
