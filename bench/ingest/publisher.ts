/**
 * The ingestion bench's devices, in a process of their own so that publishing costs nothing in the measured one: one
 * MQTT client publishing the mix (mix.ts) to the broker, scaled by the bench (`{ scale }` over IPC, 0 to
 * stop), and reporting once a second how much it published. Each message carries its publication time: in `at`, and
 * in the vehicle's longitude or the alarm's value (see stamps.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import type { SensorsFile } from '../../src/shared/city/index.js';
import { ALARM_BURST, ALARM_CLEAR_MS, ALARM_PERIOD_MS, SENSOR_PERIOD_S, type PublisherCommand, type PublisherReport } from './mix.js';
import { stampLongitude, stampValue } from './stamps.js';
import { sensorId, vehicleId } from './synthetic-city.js';

/** How often the publisher catches up with its schedule: small against the tick, large enough to publish in batches. */
const SLICE_MS = 5;

const [url = '', cityDir = ''] = process.argv.slice(2);
const sensorsFile = JSON.parse(readFileSync(join(cityDir, 'sensors.json'), 'utf8')) as SensorsFile;
const normals = sensorsFile.sensors.map((sensor) => (sensor.normalRange[0] + sensor.normalRange[1]) / 2);
const vehicles = JSON.parse(readFileSync(join(cityDir, 'fleet.json'), 'utf8')).vehicles.length as number;
const sensors = normals.length;

const client = await connectAsync(url, { protocolVersion: 5, clean: true, reconnectPeriod: 0 });
let scale = 0;
let total = 0;
let vehicleCursor = 0;
let sensorCursor = 0;
let alarmCursor = 0;
/** Messages owed by the schedule since the scale last changed, per stream. */
let owed = { vehicles: 0, sensors: 0 };
let sliceAt = performance.now();
let nextBurstAt = performance.now();
const clears: { atMs: number; ids: string[] }[] = [];

const iso = (ms: number) => new Date(ms).toISOString();

function publishVehicle(): void {
  const now = Date.now();
  const index = vehicleCursor;
  vehicleCursor = (vehicleCursor + 1) % vehicles;
  const body = `{"position":[${stampLongitude(now)},${29 + (index % 1000) / 2000}],"at":"${iso(now)}","speedKmh":${(index % 60) + 0.5},"headingDeg":${index % 360}}`;
  client.publish(`zhili/v1/vehicles/${vehicleId(index)}/position`, body, { qos: 0 });
}

function publishReading(): void {
  const index = sensorCursor;
  sensorCursor = (sensorCursor + 1) % sensors;
  client.publish(`zhili/v1/sensors/${sensorId(index)}/reading`, `{"value":${normals[index] as number},"at":"${iso(Date.now())}"}`, { qos: 0 });
}

function publishAlarm(id: string, level: 'alarm' | 'cleared'): void {
  const now = Date.now();
  client.publish(`zhili/v1/alarms/${id}`, `{"level":"${level}","at":"${iso(now)}","value":${stampValue(now)}}`, { qos: 1 });
}

function slice(): void {
  const now = performance.now();
  const seconds = (now - sliceAt) / 1000;
  sliceAt = now;
  if (scale <= 0) return;
  owed.vehicles += seconds * vehicles * scale;
  owed.sensors += (seconds * sensors * scale) / SENSOR_PERIOD_S;
  for (; owed.vehicles >= 1; owed.vehicles -= 1, total += 1) publishVehicle();
  for (; owed.sensors >= 1; owed.sensors -= 1, total += 1) publishReading();
  if (now >= nextBurstAt) {
    nextBurstAt = now + ALARM_PERIOD_MS;
    const ids = Array.from({ length: Math.round(ALARM_BURST * scale) }, () => sensorId((alarmCursor = (alarmCursor + 1) % sensors)));
    for (const id of ids) publishAlarm(id, 'alarm');
    total += ids.length;
    clears.push({ atMs: now + ALARM_CLEAR_MS, ids });
  }
  while (clears.length > 0 && (clears[0]?.atMs ?? Infinity) <= now) {
    const { ids } = clears.shift() as { ids: string[] };
    for (const id of ids) publishAlarm(id, 'cleared');
    total += ids.length;
  }
}

const timer = setInterval(slice, SLICE_MS);
const report = () => process.send?.({ type: 'published', total, backlogBytes: client.stream.writableLength } satisfies PublisherReport);
const reporter = setInterval(report, 1000);
process.on('message', (command: PublisherCommand) => {
  if (command.type === 'scale') {
    slice();
    scale = command.scale;
    owed = { vehicles: 0, sensors: 0 };
    // Bursts are part of the mix at any rate: the first comes at once.
    nextBurstAt = performance.now();
  } else {
    clearInterval(timer);
    clearInterval(reporter);
    void client.endAsync().then(() => process.exit(0));
  }
});
report();
