import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect as connectTcp } from 'node:net';
import { promisify } from 'node:util';
import { connectAsync } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { waitUntil } from '../../../test/helpers/wait.js';
import { systemClock } from '../../shared/clock/index.js';
import type { IngestTarget } from '../registry/ingest-target.js';
import { connectExternalBroker, type ExternalBroker } from './external-broker.js';
import { DEFAULT_SOURCE_RATE, Ingestion, SITE_BROKER_RATE, type DeadLetter } from './ingestion.js';

const MOSQUITTO = 'mqtt://127.0.0.1:1883';
const mosquittoListens = await new Promise<boolean>((resolve) => {
  const socket = connectTcp(1883, '127.0.0.1');
  socket.once('connect', () => (socket.destroy(), resolve(true)));
  socket.once('error', () => resolve(false));
});
if (!mosquittoListens) console.warn('Skipping the external broker tests: nothing listens on 127.0.0.1:1883 (start Mosquitto 2 there to run them).');

/** This run's device ids only: the broker is shared with whatever else runs on the machine. */
const run = `T${randomBytes(4).toString('hex')}`;

describe("a site's broker as a source", () => {
  it("is held to a site's rate: the whole site's devices arrive as one source, far above a device system's", async () => {
    const ingestion = new Ingestion({ target: { apply: () => 'applied' }, clock: systemClock, logger: recordingLogger() });
    // Nothing listens there: the rate is the broker's from the start, connected or not.
    const broker = connectExternalBroker({ url: 'mqtt://127.0.0.1:1', username: null, password: null, caFile: null }, ingestion, recordingLogger());
    try {
      const burst = DEFAULT_SOURCE_RATE.burst + 1000;
      expect(SITE_BROKER_RATE.burst).toBeGreaterThan(burst);
      const body = JSON.stringify({ value: 1, at: new Date().toISOString() });
      for (let index = 0; index < burst; index += 1) ingestion.receive('zhili/v1/sensors/S1/reading', body, { source: 'mqtt:127.0.0.1', simulated: false });
      expect(ingestion.stats()).toMatchObject([{ source: 'mqtt:127.0.0.1', accepted: burst, rejected: {} }]);
    } finally {
      await broker.close();
    }
  });
});

describe.skipIf(!mosquittoListens)('an external MQTT broker (the real Mosquitto on 1883)', () => {
  const brokers: ExternalBroker[] = [];
  afterEach(async () => {
    await Promise.all(brokers.splice(0).map((broker) => broker.close()));
  });

  /** A backend node: its own ingestion, whose target records the ids of this run's devices it was given. */
  const node = (group: string) => {
    const received: string[] = [];
    const target: IngestTarget = {
      apply: (message) => {
        if (message.deviceId?.startsWith(run)) received.push(message.deviceId);
        return 'applied';
      },
    };
    const ingestion = new Ingestion({ target, clock: systemClock, logger: recordingLogger() });
    const broker = connectExternalBroker({ url: MOSQUITTO, username: null, password: null, caFile: null }, ingestion, recordingLogger(), { group });
    brokers.push(broker);
    return { received, broker, ingestion };
  };
  const connected = (broker: ExternalBroker) => waitUntil(() => broker.state().connected, Boolean, 'the backend to connect to Mosquitto');
  const reading = () => JSON.stringify({ value: 1, at: new Date().toISOString() });

  it('ingests what a device publishes with mosquitto_pub, as the broker host', async () => {
    const { received, broker } = node(`zhili-test-${run}-a`);
    await connected(broker);
    // The subscription is acknowledged just after the connection: publish until one message gets through.
    await waitUntil(
      async () => {
        await promisify(execFile)('mosquitto_pub', ['-h', '127.0.0.1', '-p', '1883', '-V', 'mqttv5', '-q', '1', '-t', `zhili/v1/sensors/${run}-S1/reading`, '-m', reading()]);
        return received.length;
      },
      (count) => count > 0,
      'a reading published with mosquitto_pub to be ingested',
    );
    expect(received.every((id) => id === `${run}-S1`)).toBe(true);
    expect(broker.state()).toEqual({ kind: 'external', url: 'mqtt://127.0.0.1:1883', connected: true, subscribed: true, lastError: null });
  });

  it('splits the messages between two nodes of one shared subscription: each gets some, none twice', async () => {
    const group = `zhili-test-${run}-b`;
    const nodes = [node(group), node(group)];
    await Promise.all(nodes.map((each) => connected(each.broker)));
    const device = await connectAsync(MOSQUITTO, { protocolVersion: 5, reconnectPeriod: 0 });
    try {
      // Until both nodes' subscriptions are in place, a probe may reach one node only: probe until each has had one.
      await waitUntil(
        async () => {
          await device.publishAsync(`zhili/v1/sensors/${run}-probe/reading`, reading(), { qos: 1 });
          return nodes.map((each) => each.received.length);
        },
        (counts) => counts.every((count) => count > 0),
        'both nodes to receive a probe',
      );
      const sent = Array.from({ length: 40 }, (_, index) => `${run}-D${index}`);
      for (const id of sent) await device.publishAsync(`zhili/v1/vehicles/${id}/position`, JSON.stringify({ position: [106.5, 29.5], at: new Date().toISOString() }), { qos: 1 });
      const got = () => nodes.flatMap((each) => each.received.filter((id) => !id.endsWith('-probe')));
      await waitUntil(got, (ids) => ids.length >= sent.length, 'all 40 positions to be ingested');
      expect(got().sort()).toEqual([...sent].sort());
      expect(nodes.map((each) => each.received.filter((id) => !id.endsWith('-probe')).length).every((count) => count > 0)).toBe(true);
    } finally {
      await device.endAsync(true);
    }
  });

  it('publishes dead letters to the broker and does not take them back in', async () => {
    const { broker, ingestion } = node(`zhili-test-${run}-c`);
    await connected(broker);
    const watcher = await connectAsync(MOSQUITTO, { protocolVersion: 5, reconnectPeriod: 0 });
    try {
      const letters: DeadLetter[] = [];
      watcher.on('message', (_topic, payload) => {
        const letter = JSON.parse(payload.toString()) as DeadLetter;
        if (letter.topic.includes(run)) letters.push(letter);
      });
      await watcher.subscribeAsync('zhili/v1/dead-letter/mqtt:127.0.0.1', { qos: 0 });
      await waitUntil(
        async () => {
          await watcher.publishAsync(`zhili/v1/alarms/${run}-A1`, '{"level": "meltdown"}', { qos: 1 });
          return letters.length;
        },
        (count) => count > 1,
        'dead letters for alarms of an unknown level',
      );
      expect(letters[0]).toMatchObject({ topic: `zhili/v1/alarms/${run}-A1`, reason: 'schema', payload: '{"level": "meltdown"}' });
      // Its own dead letters come back through its shared subscription; none was taken in as a message.
      expect(Object.keys(ingestion.stats()[0]?.rejected ?? {})).toEqual(['schema']);
    } finally {
      await watcher.endAsync(true);
    }
  });
});
