/**
 * The realistic mix, scale 1 (bench/ingest/publisher.ts publishes it): every vehicle's position once a second
 * and every sensor's reading once a minute (QoS 0); every ALARM_PERIOD_MS a burst of ALARM_BURST alarms on sensors in
 * turn (QoS 1, as a device sends what must arrive), cleared ALARM_CLEAR_MS later.
 */
export const VEHICLES = 10_000;
export const SENSORS = 50_000;
export const SENSOR_PERIOD_S = 60;
export const ALARM_BURST = 100;
export const ALARM_PERIOD_MS = 30_000;
export const ALARM_CLEAR_MS = 10_000;

/** Messages a second at scale 1: positions, readings, and each burst of alarms raised and cleared. */
export const REALISTIC_RATE = VEHICLES + SENSORS / SENSOR_PERIOD_S + (2 * ALARM_BURST * 1000) / ALARM_PERIOD_MS;

export type PublisherCommand = { type: 'scale'; scale: number } | { type: 'stop' };
export interface PublisherReport {
  type: 'published';
  total: number;
  /** Bytes published but not yet taken by the broker: growing when the broker, not the backend, is what falls behind. */
  backlogBytes: number;
}
