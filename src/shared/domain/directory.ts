import { z } from 'zod';
import { LngLatSchema } from './geo.js';

export const crewStatuses = ['available', 'busy', 'off-duty'] as const;
export const CrewStatusSchema = z.enum(crewStatuses);
export type CrewStatus = z.infer<typeof CrewStatusSchema>;

/** A frontline crew in the dispatch directory, as the backend serves it. */
export const CrewSchema = z.object({
  id: z.string(),
  name: z.string(),
  speciality: z.string(),
  specialityLabel: z.object({ zh: z.string(), en: z.string() }),
  leader: z.string(),
  phone: z.string(),
  sipExtension: z.string(),
  districtAdcode: z.string(),
  status: CrewStatusSchema,
  position: LngLatSchema.nullable(),
  /** ISO time of the last position report. */
  positionAt: z.string().nullable(),
  synthetic: z.boolean(),
});
export type Crew = z.infer<typeof CrewSchema>;

export const CrewQuerySchema = z
  .object({
    text: z.string().max(100).optional(),
    onDutyOnly: z.boolean().optional(),
    districtAdcode: z.string().regex(/^\d{6}$/).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .strict();
export type CrewQuery = z.infer<typeof CrewQuerySchema>;

/** What a crew terminal reports: its status, and its position when the device has a fix (null: no fix, keep the last). */
export const CrewReportSchema = z
  .object({
    status: CrewStatusSchema,
    position: LngLatSchema.nullable(),
  })
  .strict();
export type CrewReport = z.infer<typeof CrewReportSchema>;

export const CrewIdSchema = z.string().regex(/^CR\d{4}$/);
