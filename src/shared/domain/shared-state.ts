import { z } from 'zod';
import { ActiveSceneSchema } from '../wall/scenes.js';
import { RiskGradeSchema } from './feed.js';
import { LngLatSchema } from './geo.js';

/** What every window of the console follows: the incident in focus (set on any window, shown on all). */
export const SharedStateSchema = z.object({
  focusedIncidentId: z.string().nullable(),
  /** Who focused it, from which window, and when: a wall shows why its screens changed. */
  focusedBy: z.string().nullable(),
  focusedAt: z.string().nullable(),
  /** The wall's scene. The host always has one; null only in a window that has not heard from its host yet. */
  scene: ActiveSceneSchema.nullable(),
});
export type SharedState = z.infer<typeof SharedStateSchema>;

export const initialSharedState: SharedState = { focusedIncidentId: null, focusedBy: null, focusedAt: null, scene: null };

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

/** A camera of a scene's camera group, with the risk site it watches. */
export const GroupCameraSchema = NearbyCameraSchema.omit({ distanceM: true }).extend({
  siteName: z.string(),
  siteGrade: RiskGradeSchema,
});
export type GroupCamera = z.infer<typeof GroupCameraSchema>;
