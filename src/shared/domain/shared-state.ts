import { z } from 'zod';
import { LngLatSchema } from './geo.js';

/** What every window of the console follows: the incident in focus (set on any window, shown on all). */
export const SharedStateSchema = z.object({
  focusedIncidentId: z.string().nullable(),
  /** Who focused it, from which window, and when: a wall shows why its screens changed. */
  focusedBy: z.string().nullable(),
  focusedAt: z.string().nullable(),
});
export type SharedState = z.infer<typeof SharedStateSchema>;

export const initialSharedState: SharedState = { focusedIncidentId: null, focusedBy: null, focusedAt: null };

/** A camera of the catalogue near a point, nearest first. */
export const NearbyCameraSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  position: LngLatSchema,
  ptz: z.boolean(),
  distanceM: z.number(),
});
export type NearbyCamera = z.infer<typeof NearbyCameraSchema>;
