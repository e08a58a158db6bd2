import { z } from 'zod';
import { CrewStatusSchema } from '../domain/directory.js';
import { incidentSeverities, incidentSourceSystems, RiskGradeSchema } from '../domain/feed.js';

/**
 * What the city's devices and systems send the backend (version 1): over MQTT on the topics below, or as the same JSON
 * to `POST /ingest/v1/<topic after zhili/v1/>`. Every payload is checked against its schema where it enters; the
 * JSON Schemas in docs/ingest/ are generated from these (`npm run build:schemas`), so the two cannot drift.
 */
export const INGEST_TOPIC_ROOT = 'zhili/v1';

/** Chinese vendors send any of the three; the backend stores WGS-84 only. */
export const coordinateSystems = ['wgs84', 'gcj02', 'bd09'] as const;
export const CoordinateSystemSchema = z.enum(coordinateSystems);
export type CoordinateSystem = z.infer<typeof CoordinateSystemSchema>;

/** A longitude and latitude in the message's coordinate system (`crs`, WGS-84 when absent). */
const PositionSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
/** When the device measured it, ISO 8601 with an offset (a device's clock, checked against the backend's on arrival). */
const MeasuredAtSchema = z.iso.datetime({ offset: true });
/** A reading or alarm value: any a device measures, bounded so that every console can read it back (JSON, Float32). */
const ReadingValueSchema = z.number().min(-1e9).max(1e9);
const DeviceIdSchema = z.string().regex(/^[A-Za-z0-9][\w.-]{0,63}$/, 'an id is letters, digits, dot, dash and underscore, at most 64');

export const SensorReadingMessageSchema = z
  .object({
    value: ReadingValueSchema,
    at: MeasuredAtSchema,
  })
  .strict()
  .meta({ title: 'A sensor reading', description: 'The latest value a sensor measured, in the unit of its kind.' });
export type SensorReadingMessage = z.infer<typeof SensorReadingMessageSchema>;

export const VehiclePositionMessageSchema = z
  .object({
    position: PositionSchema,
    crs: CoordinateSystemSchema.default('wgs84'),
    at: MeasuredAtSchema,
    speedKmh: z.number().min(0).max(300).optional(),
    headingDeg: z.number().min(0).max(360).optional(),
  })
  .strict()
  .meta({ title: 'A vehicle position', description: 'Where a vehicle (or a crew terminal on a vehicle) is.' });
export type VehiclePositionMessage = z.infer<typeof VehiclePositionMessageSchema>;

export const CrewStatusMessageSchema = z
  .object({
    status: CrewStatusSchema,
    position: PositionSchema.nullable(),
    crs: CoordinateSystemSchema.default('wgs84'),
    at: MeasuredAtSchema,
  })
  .strict()
  .meta({ title: 'A crew status', description: 'A crew terminal reports its duty status and, when it has a fix, its position.' });
export type CrewStatusMessage = z.infer<typeof CrewStatusMessageSchema>;

/** Where an incident reported by another system came from. */
export const IncidentSourceSystemSchema = z.enum(incidentSourceSystems);
export type IncidentSourceSystem = z.infer<typeof IncidentSourceSystemSchema>;

export const IncidentReportMessageSchema = z
  .object({
    sourceSystem: IncidentSourceSystemSchema,
    /** The reporting system's own number for it; the same number sent again is the same incident, not a new one. */
    externalId: z.string().min(1).max(64),
    type: z.string().regex(/^[a-z][a-z0-9-]{1,49}$/, 'an incident type is lower-case letters, digits and dashes'),
    title: z.string().trim().min(2).max(200),
    severity: z.enum(incidentSeverities),
    position: PositionSchema,
    crs: CoordinateSystemSchema.default('wgs84'),
    districtAdcode: z.string().regex(/^\d{6}$/),
    riskGrade: RiskGradeSchema.nullable().default(null),
    at: MeasuredAtSchema,
  })
  .strict()
  .meta({ title: 'An incident report', description: 'An incident or case from another system: the 12319 hotline, the citizen app, video analytics, an industry system.' });
export type IncidentReportMessage = z.infer<typeof IncidentReportMessageSchema>;

export const alarmLevels = ['warning', 'alarm', 'cleared'] as const;
export const AlarmMessageSchema = z
  .object({
    level: z.enum(alarmLevels),
    at: MeasuredAtSchema,
    /** The reading that tripped it, when the device sends one. */
    value: ReadingValueSchema.optional(),
  })
  .strict()
  .meta({ title: 'A device alarm', description: "A sensor's own alarm, raised or cleared by the device or its platform rather than judged from readings." });
export type AlarmMessage = z.infer<typeof AlarmMessageSchema>;

/**
 * Each kind of message: its topic pattern (`+` is one device id) and its schema. One table, so the MQTT subscriber, the
 * HTTP endpoint, the JSON Schemas and the documentation all follow it.
 */
export const ingestTopics = {
  sensorReading: { pattern: `${INGEST_TOPIC_ROOT}/sensors/+/reading`, schema: SensorReadingMessageSchema },
  vehiclePosition: { pattern: `${INGEST_TOPIC_ROOT}/vehicles/+/position`, schema: VehiclePositionMessageSchema },
  crewStatus: { pattern: `${INGEST_TOPIC_ROOT}/crews/+/status`, schema: CrewStatusMessageSchema },
  incidentReport: { pattern: `${INGEST_TOPIC_ROOT}/incidents/report`, schema: IncidentReportMessageSchema },
  alarm: { pattern: `${INGEST_TOPIC_ROOT}/alarms/+`, schema: AlarmMessageSchema },
} as const;
export type IngestKind = keyof typeof ingestTopics;
export type IngestPayload<K extends IngestKind> = z.infer<(typeof ingestTopics)[K]['schema']>;

/** A message that parsed: its kind, the device its topic names (null for incident reports) and its payload. */
export type IngestMessage = { [K in IngestKind]: { kind: K; deviceId: string | null; payload: IngestPayload<K> } }[IngestKind];

/** Where refused messages are republished, with the reason, so a site can see and replay them. */
export const DEAD_LETTER_TOPIC_PREFIX = `${INGEST_TOPIC_ROOT}/dead-letter`;

/** Why a message was refused; counted per source and shown on the ingestion panel. */
export const ingestRejections = [
  'unknown-topic',
  'not-json',
  'schema',
  'unknown-device',
  'from-the-future',
  'too-old',
  'rate-limited',
  'too-large',
  /** The source's credential does not let it speak for this device or system (see SourceScope). */
  'not-permitted',
  /** Measured before what the backend already holds of the device (a retry or a replay out of order): not applied. */
  'superseded',
  /** The backend failed on the message (a programming error, logged there): not the sender's fault. */
  'internal',
] as const;
export type IngestRejection = (typeof ingestRejections)[number];

/**
 * What one source may speak for: the systems it may report incidents as (`sourceSystem`) and the devices it may report
 * on, by id or by a prefix ending in `*` (`SN*`, `VH0001*`); null: any. Given with its credential (--add-source with
 * --may-report and --devices), so a hotline's credential cannot move a vehicle, nor a district's sensors speak for another's.
 */
export const SourceScopeSchema = z
  .object({
    systems: z.array(IncidentSourceSystemSchema).nullable(),
    devices: z.array(z.string().regex(/^[A-Za-z0-9][\w.-]{0,62}\*?$/, 'a device id, or a prefix of one ending in *')).max(1000).nullable(),
  })
  .strict();
export type SourceScope = z.infer<typeof SourceScopeSchema>;

/** Whether a source with `scope` may send `message`; null when it may, else why not. */
export function scopeRefusal(scope: SourceScope, message: { kind: IngestKind; deviceId: string | null; payload: unknown }): string | null {
  if (message.kind === 'incidentReport') {
    const system = (message.payload as { sourceSystem: IncidentSourceSystem }).sourceSystem;
    return scope.systems === null || scope.systems.includes(system) ? null : `this source may not report incidents as ${system}`;
  }
  const deviceId = message.deviceId ?? '';
  const covered = scope.devices === null || scope.devices.some((pattern) => (pattern.endsWith('*') ? deviceId.startsWith(pattern.slice(0, -1)) : deviceId === pattern));
  return covered ? null : `this source may not speak for device ${deviceId}`;
}

/** The kind and device a topic names, or null when it is not one of ours. */
export function matchIngestTopic(topic: string): { kind: IngestKind; deviceId: string | null } | null {
  for (const [kind, { pattern }] of Object.entries(ingestTopics) as [IngestKind, (typeof ingestTopics)[IngestKind]][]) {
    const expected = pattern.split('/');
    const actual = topic.split('/');
    if (expected.length !== actual.length) continue;
    let deviceId: string | null = null;
    const matches = expected.every((part, index) => {
      const value = actual[index] as string;
      if (part !== '+') return part === value;
      deviceId = value;
      return DeviceIdSchema.safeParse(value).success;
    });
    if (matches) return { kind, deviceId };
  }
  return null;
}
