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

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres between two WGS84 points. */
export function distanceMetres(a: readonly [number, number], b: readonly [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLng = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
