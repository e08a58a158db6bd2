import gcoord from 'gcoord';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/helpers/manual-clock.js';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { seededRng, fuzzSeed } from '../../../test/helpers/fuzz-inputs.js';
import { ingestRejections } from '../../shared/ingest/index.js';
import type { AcceptedMessage, IngestOrigin, IngestTarget } from '../registry/ingest-target.js';
import { Ingestion, MAX_INGEST_BYTES, type DeadLetter } from './ingestion.js';

const NOW = '2026-11-27T02:00:00.000Z';
const DEVICE: IngestOrigin = { source: 'district-platform', simulated: false };

/** The registry's side as far as these tests need it: the devices it knows, and what it was given. */
function knownDevices(...ids: string[]): IngestTarget & { applied: AcceptedMessage[] } {
  const applied: AcceptedMessage[] = [];
  return {
    applied,
    apply: (message) => {
      if (message.deviceId !== null && !ids.includes(message.deviceId)) return 'unknown-device';
      applied.push(message);
      return 'applied';
    },
  };
}

function setUp(target: IngestTarget = knownDevices('S1', 'V1', 'C1'), rate?: { perSecond: number; burst: number }) {
  const clock = new ManualClock(NOW);
  const logger = recordingLogger();
  const ingestion = new Ingestion({ target, clock, logger, ...(rate ? { rate } : {}) });
  const letters: { source: string; letter: DeadLetter }[] = [];
  ingestion.addDeadLetterSink((source, letter) => letters.push({ source, letter }));
  return { clock, logger, ingestion, letters };
}

const reading = (value = 1.5, at = NOW) => JSON.stringify({ value, at });

/** The distance in metres between two WGS-84 points (equirectangular: exact enough at these distances). */
function metres(a: readonly [number, number], b: readonly [number, number]): number {
  const rad = Math.PI / 180;
  const x = (b[0] - a[0]) * rad * Math.cos(((a[1] + b[1]) / 2) * rad);
  const y = (b[1] - a[1]) * rad;
  return Math.hypot(x, y) * 6_371_000;
}

describe('ingestion', () => {
  it('hands an accepted message to the target with its origin, and counts it', () => {
    const applied: [AcceptedMessage, IngestOrigin][] = [];
    const { ingestion, letters } = setUp({ apply: (message, origin) => (applied.push([message, origin]), 'applied') });
    expect(ingestion.receive('zhili/v1/sensors/S1/reading', Buffer.from(reading(2.5)), DEVICE)).toEqual({ accepted: true });
    expect(applied).toEqual([[{ kind: 'sensorReading', deviceId: 'S1', payload: { value: 2.5, at: NOW } }, DEVICE]]);
    expect(ingestion.stats()).toEqual([
      { source: 'district-platform', accepted: 1, rejected: {}, lastMessageAt: NOW, lastRejection: null, perSecond: 1 / 60 },
    ]);
    expect(letters).toEqual([]);
  });

  it('refuses each kind of bad message with its reason, counts, logs and dead-letters it', () => {
    const { ingestion, letters, logger, clock } = setUp();
    const cases: [string, string | Buffer, string][] = [
      ['zhili/v1/sensors/S1/reading', 'x'.repeat(MAX_INGEST_BYTES + 1), 'too-large'],
      ['zhili/v1/sensors/S1/values', reading(), 'unknown-topic'],
      ['zhili/v1/sensors/../reading', reading(), 'unknown-topic'],
      ['zhili/v1/sensors/S1/reading', '{"value": 1,', 'not-json'],
      ['zhili/v1/sensors/S1/reading', Buffer.from([0xff, 0xfe, 0x7b]), 'not-json'],
      ['zhili/v1/sensors/S1/reading', JSON.stringify({ value: 'high', at: NOW }), 'schema'],
      ['zhili/v1/sensors/S1/reading', JSON.stringify({ value: 1, at: NOW, extra: true }), 'schema'],
      ['zhili/v1/sensors/S1/reading', `${'['.repeat(65)}${']'.repeat(65)}`, 'schema'],
      ['zhili/v1/sensors/S1/reading', reading(1, '2026-11-27T03:00:00Z'), 'from-the-future'],
      ['zhili/v1/sensors/S1/reading', reading(1, '2026-11-26T01:00:00Z'), 'too-old'],
      ['zhili/v1/sensors/S404/reading', reading(), 'unknown-device'],
    ];
    for (const [topic, body, reason] of cases) {
      expect(ingestion.receive(topic, body, DEVICE), `${topic} ${String(body).slice(0, 40)}`).toMatchObject({ accepted: false, reason });
      // Apart, so each line is logged: suppression has its own test.
      clock.advance(10);
    }
    // Inside the window on both sides (the clock moved 110 s meanwhile).
    expect(ingestion.receive('zhili/v1/sensors/S1/reading', reading(1, '2026-11-27T02:06:40+00:00'), DEVICE).accepted).toBe(true);
    expect(ingestion.receive('zhili/v1/sensors/S1/reading', reading(1, '2026-11-27T10:00:01+08:00'), DEVICE).accepted).toBe(true);

    const [stats] = ingestion.stats();
    expect(stats?.accepted).toBe(2);
    expect(stats?.rejected).toEqual({ 'too-large': 1, 'unknown-topic': 2, 'not-json': 2, schema: 3, 'from-the-future': 1, 'too-old': 1, 'unknown-device': 1 });
    expect(stats?.lastRejection).toMatchObject({ reason: 'unknown-device', topic: 'zhili/v1/sensors/S404/reading', detail: expect.stringContaining('S404') });
    expect(letters.map(({ source, letter }) => [source, letter.reason])).toEqual(cases.map(([, , reason]) => [DEVICE.source, reason]));
    expect(letters[0]?.letter.payload.length).toBeLessThan(2100);
    expect(letters[5]?.letter).toMatchObject({ topic: 'zhili/v1/sensors/S1/reading', detail: expect.stringContaining('value'), payload: JSON.stringify({ value: 'high', at: NOW }) });
    const lines = logger.records.filter((record) => record.message === 'refused an ingested message');
    expect(lines).toHaveLength(cases.length);
    expect(lines[1]?.fields).toMatchObject({ source: DEVICE.source, topic: 'zhili/v1/sensors/S1/values', reason: 'unknown-topic' });
  });

  it('converts GCJ-02 and BD-09 positions to WGS-84', () => {
    const target = knownDevices('V1', 'C1');
    const { ingestion } = setUp(target);
    // Chaotianmen, Chongqing, in WGS-84; the Chinese systems place it some hundreds of metres off.
    const wgs84: [number, number] = [106.5869, 29.5647];
    const gcj02 = gcoord.transform(wgs84, gcoord.WGS84, gcoord.GCJ02) as [number, number];
    const bd09 = gcoord.transform(wgs84, gcoord.WGS84, gcoord.BD09) as [number, number];
    expect(metres(wgs84, gcj02)).toBeGreaterThan(200);
    expect(metres(wgs84, bd09)).toBeGreaterThan(500);
    const send = (topic: string, payload: object) => expect(ingestion.receive(topic, JSON.stringify({ at: NOW, ...payload }), DEVICE)).toEqual({ accepted: true });
    send('zhili/v1/vehicles/V1/position', { position: gcj02, crs: 'gcj02', speedKmh: 30 });
    send('zhili/v1/vehicles/V1/position', { position: bd09, crs: 'bd09' });
    send('zhili/v1/vehicles/V1/position', { position: wgs84 });
    send('zhili/v1/crews/C1/status', { status: 'available', position: bd09, crs: 'bd09' });
    send('zhili/v1/crews/C1/status', { status: 'available', position: null, crs: 'gcj02' });
    send('zhili/v1/incidents/report', {
      sourceSystem: 'hotline-12319',
      externalId: 'H-1',
      type: 'road-damage',
      title: 'Pothole on the bridge',
      severity: 'minor',
      position: gcj02,
      crs: 'gcj02',
      districtAdcode: '500103',
    });
    const positions = target.applied.map((message) => ('position' in message.payload ? message.payload.position : undefined));
    for (const position of [positions[0], positions[1], positions[2], positions[3], positions[5]]) {
      expect(position).toBeDefined();
      expect(metres(position as [number, number], wgs84)).toBeLessThan(1);
    }
    expect(positions[4]).toBeNull();
    // The coordinate system is gone: what the target gets is WGS-84, whatever was sent.
    expect(target.applied.every((message) => !('crs' in message.payload))).toBe(true);
    expect(target.applied[5]?.payload).toMatchObject({ riskGrade: null, externalId: 'H-1' });
  });

  it('refuses what it could take in but no console could read back: a position past the edge, a value past Float32', () => {
    const { ingestion, letters } = setUp();
    // BD-09 at the edge of the world converts to a point past it.
    const edge = ingestion.receive('zhili/v1/vehicles/V1/position', JSON.stringify({ position: [-180, -90], crs: 'bd09', at: NOW }), DEVICE);
    expect(edge).toMatchObject({ accepted: false, reason: 'schema', detail: expect.stringContaining('not a place in WGS-84') });
    expect(ingestion.receive('zhili/v1/sensors/S1/reading', reading(1e308), DEVICE)).toMatchObject({ accepted: false, reason: 'schema' });
    expect(ingestion.receive('zhili/v1/alarms/S1', JSON.stringify({ level: 'alarm', at: NOW, value: -1e12 }), DEVICE)).toMatchObject({ accepted: false, reason: 'schema' });
    expect(letters.map(({ letter }) => letter.reason)).toEqual(['schema', 'schema', 'schema']);
  });

  it("refuses what a source's credential does not let it speak for, and takes the rest", () => {
    const { ingestion, letters } = setUp(knownDevices('S1', 'SN000001', 'V1'));
    const district: IngestOrigin = { source: 'district-1', simulated: false, scope: { systems: ['hotline-12319'], devices: ['SN*', 'V1'] } };
    expect(ingestion.receive('zhili/v1/sensors/SN000001/reading', reading(), district)).toEqual({ accepted: true });
    expect(ingestion.receive('zhili/v1/vehicles/V1/position', JSON.stringify({ position: [106.5, 29.5], at: NOW }), district)).toEqual({ accepted: true });
    expect(ingestion.receive('zhili/v1/sensors/S1/reading', reading(), district)).toMatchObject({ accepted: false, reason: 'not-permitted', detail: expect.stringContaining('device S1') });
    const report = (sourceSystem: string) =>
      JSON.stringify({ sourceSystem, externalId: 'X-1', type: 'road-collapse', title: '路面塌陷', severity: 'major', position: [106.5, 29.5], districtAdcode: '500103', at: NOW });
    expect(ingestion.receive('zhili/v1/incidents/report', report('hotline-12319'), district)).toEqual({ accepted: true });
    expect(ingestion.receive('zhili/v1/incidents/report', report('citizen-app'), district)).toMatchObject({ accepted: false, reason: 'not-permitted', detail: expect.stringContaining('citizen-app') });
    expect(letters.map(({ letter }) => letter.reason)).toEqual(['not-permitted', 'not-permitted']);
  });

  it('refuses, counts and dead-letters what the registry holds newer of, as superseded', () => {
    const { ingestion, letters } = setUp({ apply: () => 'superseded' });
    expect(ingestion.receive('zhili/v1/sensors/S1/reading', reading(), DEVICE)).toMatchObject({ accepted: false, reason: 'superseded', detail: expect.stringContaining('S1') });
    expect(letters.map(({ letter }) => letter.reason)).toEqual(['superseded']);
  });

  it('limits each source to its rate with a burst, on its own bucket', () => {
    const { ingestion, clock, letters } = setUp(undefined, { perSecond: 10, burst: 20 });
    const send = (origin = DEVICE) => ingestion.receive('zhili/v1/sensors/S1/reading', reading(), origin).accepted;
    const burst = Array.from({ length: 25 }, () => send());
    expect(burst.filter(Boolean)).toHaveLength(20);
    // Another source is not held back by this one.
    expect(send({ source: 'other', simulated: false })).toBe(true);
    clock.advance(0.5);
    expect(Array.from({ length: 6 }, () => send()).filter(Boolean)).toHaveLength(5);
    clock.advance(60);
    expect(Array.from({ length: 25 }, () => send()).filter(Boolean)).toHaveLength(20);
    const stats = ingestion.stats().find((entry) => entry.source === DEVICE.source);
    expect(stats).toMatchObject({ accepted: 45, rejected: { 'rate-limited': 11 } });
    // Only the last burst is within the minute.
    expect(stats?.perSecond).toBeCloseTo(25 / 60);
    // Rate-limited messages are dead-lettered at the pace of the log, not one for one.
    expect(letters.filter(({ letter }) => letter.reason === 'rate-limited').length).toBeLessThanOrEqual(3);
  });

  it("holds a source given a rate of its own (a site's broker) to that rate, not a device system's", () => {
    const { ingestion, clock } = setUp(undefined, { perSecond: 10, burst: 20 });
    const broker: IngestOrigin = { source: 'mqtt:broker.site', simulated: false };
    const send = (origin: IngestOrigin) => ingestion.receive('zhili/v1/sensors/S1/reading', reading(), origin).accepted;
    // Given before its first message and after: both hold, the second from then on.
    ingestion.rateSource(broker.source, { perSecond: 100, burst: 200 });
    expect(Array.from({ length: 250 }, () => send(broker)).filter(Boolean)).toHaveLength(200);
    expect(Array.from({ length: 25 }, () => send(DEVICE)).filter(Boolean)).toHaveLength(20);
    ingestion.rateSource(DEVICE.source, { perSecond: 100, burst: 200 });
    clock.advance(1);
    expect(Array.from({ length: 250 }, () => send(DEVICE)).filter(Boolean)).toHaveLength(200);
    expect(Array.from({ length: 150 }, () => send(broker)).filter(Boolean)).toHaveLength(100);
  });

  it('logs one line per source and reason every 10 s, with the count of those left out', () => {
    const { ingestion, clock, logger } = setUp();
    const lines = () => logger.records.filter((record) => record.message === 'refused an ingested message').map((record) => record.fields);
    for (let index = 0; index < 50; index += 1) ingestion.receive('zhili/v1/nowhere', '{}', DEVICE);
    ingestion.receive('zhili/v1/sensors/S1/reading', 'nope', DEVICE);
    ingestion.receive('zhili/v1/nowhere', '{}', { source: 'other', simulated: false });
    expect(lines()).toEqual([
      expect.objectContaining({ source: DEVICE.source, reason: 'unknown-topic', suppressedSinceLastLine: 0 }),
      expect.objectContaining({ source: DEVICE.source, reason: 'not-json', suppressedSinceLastLine: 0 }),
      expect.objectContaining({ source: 'other', reason: 'unknown-topic', suppressedSinceLastLine: 0 }),
    ]);
    clock.advance(9);
    ingestion.receive('zhili/v1/nowhere', '{}', DEVICE);
    expect(lines()).toHaveLength(3);
    clock.advance(1);
    ingestion.receive('zhili/v1/nowhere', '{}', DEVICE);
    expect(lines()).toHaveLength(4);
    expect(lines()[3]).toMatchObject({ reason: 'unknown-topic', suppressedSinceLastLine: 50 });
    // Every one was counted, logged or not.
    expect(ingestion.stats().find((entry) => entry.source === DEVICE.source)?.rejected).toEqual({ 'unknown-topic': 52, 'not-json': 1 });
  });

  it('never throws: random bytes, odd JSON, a failing target or a failing dead-letter sink', () => {
    const seed = fuzzSeed();
    const rng = seededRng(seed);
    const { ingestion, logger } = setUp();
    ingestion.addDeadLetterSink(() => {
      throw new Error('broker gone');
    });
    const topics = ['zhili/v1/sensors/S1/reading', 'zhili/v1/vehicles/V1/position', 'zhili/v1/crews/C1/status', 'zhili/v1/incidents/report', 'zhili/v1/alarms/S1', '', '#', 'zhili/v1/'];
    for (let index = 0; index < 300; index += 1) {
      const body = rng.chance(0.5) ? randomBytes(rng.int(200)) : JSON.stringify({ value: rng.next(), at: rng.chance(0.5) ? NOW : rng.next(), position: [rng.next() * 400 - 200, 0] });
      const outcome = ingestion.receive(rng.pick(topics), body, DEVICE);
      if (!outcome.accepted) expect(ingestRejections, `seed ${seed}`).toContain(outcome.reason);
    }
    expect(ingestion.receive('zhili/v1/sensors/S1/reading', '['.repeat(1_000_000), DEVICE)).toMatchObject({ reason: 'too-large' });
    expect(ingestion.receive('zhili/v1/sensors/S1/reading', '['.repeat(60_000), DEVICE)).toMatchObject({ reason: 'schema' });
    expect(ingestion.receive('zhili/v1/sensors/S1/reading', 'null', DEVICE)).toMatchObject({ reason: 'schema' });
    expect(logger.records.some((record) => record.message === 'could not publish a dead letter')).toBe(true);

    const failing = setUp({
      apply: () => {
        throw new Error('registry bug');
      },
    });
    expect(failing.ingestion.receive('zhili/v1/sensors/S1/reading', reading(), DEVICE)).toMatchObject({ accepted: false, reason: 'internal' });
    expect(failing.logger.records.find((record) => record.level === 'error')?.message).toBe('programming error while ingesting a message');
    expect(failing.letters).toHaveLength(1);
  });

  it('takes the simulator in process, marked simulated', () => {
    const origins: IngestOrigin[] = [];
    const { ingestion } = setUp({ apply: (_message, origin) => (origins.push(origin), 'applied') });
    expect(ingestion.receiveSimulated('zhili/v1/alarms/S1', { level: 'alarm', at: NOW, value: 9 })).toEqual({ accepted: true });
    expect(origins).toEqual([{ source: 'simulator', simulated: true }]);
  });
});
