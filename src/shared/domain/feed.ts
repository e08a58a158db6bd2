import { z } from 'zod';
import { LngLatSchema } from './geo.js';

export const riskGrades = ['red', 'orange', 'yellow', 'blue'] as const;
export const RiskGradeSchema = z.enum(riskGrades);
export type RiskGrade = z.infer<typeof RiskGradeSchema>;

export const sensorStates = ['normal', 'warning', 'alarm'] as const;
export const SensorStateSchema = z.enum(sensorStates);
export type SensorState = z.infer<typeof SensorStateSchema>;

export const incidentSeverities = ['minor', 'major', 'severe', 'critical'] as const;
/** Systems that report incidents to the backend over ingestion (the 12319 hotline, the citizen app, video analytics, an industry system). */
export const incidentSourceSystems = ['hotline-12319', 'citizen-app', 'video-analytics', 'industry-system'] as const;
export const incidentStates = ['reported', 'registered', 'dispatched', 'handling', 'verifying', 'closed'] as const;

export const IncidentSchema = z.object({
  id: z.string(),
  type: z.string(),
  title: z.string(),
  severity: z.enum(incidentSeverities),
  state: z.enum(incidentStates),
  position: LngLatSchema,
  districtAdcode: z.string(),
  riskGrade: RiskGradeSchema.nullable(),
  sensorId: z.string().nullable(),
  reportedAt: z.string(),
  updatedAt: z.string(),
  synthetic: z.boolean(),
  /** Set on incidents a drill injected: they are kept out of live figures and only drill runs act on them. */
  drillId: z.string().nullable().default(null),
  /** Raised by a sensor's alarm, registered by an operator (a hotline call, a patrol report), or sent by another system. */
  source: z.enum(['sensor', 'operator', ...incidentSourceSystems]).default('sensor'),
  /** The reporting system's own number for an incident it sent (null for the others). */
  externalId: z.string().nullable().default(null),
});
export type Incident = z.infer<typeof IncidentSchema>;

/** An operator registers an incident reported by phone, patrol or another system (发现 → 立案). */
export const IncidentReportSchema = z
  .object({
    type: z.string().regex(/^[a-z][a-z0-9-]{1,49}$/, 'an incident type is lower-case letters, digits and dashes'),
    title: z.string().trim().min(2).max(200),
    severity: z.enum(incidentSeverities),
    position: LngLatSchema,
    districtAdcode: z.string().regex(/^\d{6}$/),
    riskGrade: RiskGradeSchema.nullable(),
  })
  .strict();
export type IncidentReport = z.infer<typeof IncidentReportSchema>;

/** A drill operator's request: raise a drill incident at a sensor of this kind (and risk grade), as an alarm would. */
export const DrillInjectionSchema = z
  .object({
    drillId: z.string().regex(/^DRILL-[\w-]{1,60}$/),
    sensorKind: z.string().min(1).max(50),
    riskGrade: RiskGradeSchema.optional(),
    /** The same key staged again returns the incident it staged the first time (a console retrying after a crash). */
    key: z.string().min(1).max(120).optional(),
  })
  .strict();
export type DrillInjection = z.infer<typeof DrillInjectionSchema>;

/** The 一屏通览 headline figures, recomputed by the backend on every feed tick. */
export const FeedSummarySchema = z.object({
  at: z.string(),
  sensors: z.object({ normal: z.number().int(), warning: z.number().int(), alarm: z.number().int() }),
  alarmsByGrade: z.object({ red: z.number().int(), orange: z.number().int(), yellow: z.number().int(), blue: z.number().int() }),
  openIncidents: z.number().int(),
  crewsOnDuty: z.number().int(),
  vehiclesActive: z.number().int(),
});
export type FeedSummary = z.infer<typeof FeedSummarySchema>;

/** A sensor whose state is not normal, as a window that opens late needs it (ticks carry only changes). */
export const SensorReadingSchema = z.object({ id: z.string(), state: SensorStateSchema, value: z.number() });
export type SensorReading = z.infer<typeof SensorReadingSchema>;

/**
 * One tick of the live feed. Positions travel as flat arrays of lng, lat pairs in the order of the city's vehicle and
 * crew registers, so a consumer copies them straight into binary attributes instead of building one object per vehicle.
 */
export const FeedTickSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  vehiclePositions: z.array(z.number()),
  crewPositions: z.array(z.number()),
  sensorChanges: z.array(SensorReadingSchema),
});
export type FeedTick = z.infer<typeof FeedTickSchema>;

/** A sensor's recent readings, oldest first, one per feed tick, for the detail panel's chart. */
export const SensorHistorySchema = z.object({
  sensorId: z.string(),
  state: SensorStateSchema,
  samples: z.array(z.object({ at: z.string(), value: z.number() })),
});
export type SensorHistory = z.infer<typeof SensorHistorySchema>;
