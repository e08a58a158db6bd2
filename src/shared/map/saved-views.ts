import { z } from 'zod';
import { LngLatSchema } from '../domain/geo.js';
import { MapLayersStateSchema } from './map-layers-state.js';

/**
 * Named map views an operator saves and recalls (camera, layers, grid measure). Each is stored with the format it was
 * written in and upgraded when read, so views saved by an older release keep opening after the format changes.
 *
 * Format history:
 *  1. `{ center, zoom, visibility, opacity }`: a north-up, flat view and the layers switched away from their defaults.
 *  2. `{ camera: { center, zoom, bearing, pitch }, layers: { visibility, opacity, gridMeasure } }`: rotation and tilt,
 *     and what the grid cells are coloured by.
 */
export const SAVED_VIEW_FORMAT = 2;

const ViewV1Schema = z
  .object({ center: LngLatSchema, zoom: z.number().min(0).max(24), visibility: MapLayersStateSchema.shape.visibility, opacity: MapLayersStateSchema.shape.opacity })
  .strict();

export const MapCameraSchema = z
  .object({ center: LngLatSchema, zoom: z.number().min(0).max(24), bearing: z.number().min(-180).max(360), pitch: z.number().min(0).max(85) })
  .strict();

export const SavedViewBodySchema = z.object({ camera: MapCameraSchema, layers: MapLayersStateSchema }).strict();
export type SavedViewBody = z.infer<typeof SavedViewBodySchema>;

export const SavedViewNameSchema = z.string().trim().min(1).max(40);

export const SavedViewSchema = z.object({
  name: SavedViewNameSchema,
  body: SavedViewBodySchema,
  savedAt: z.string(),
  savedBy: z.string(),
  /** The format it was stored in; lower than SAVED_VIEW_FORMAT when it was upgraded on reading. */
  storedFormat: z.number().int().min(1),
});
export type SavedView = z.infer<typeof SavedViewSchema>;

/**
 * The body of a view stored in `format`, upgraded to the current format; null when it does not match the format it
 * claims (a damaged row), so one bad view never hides the others.
 */
export function upgradeSavedView(format: number, data: unknown): SavedViewBody | null {
  if (format === SAVED_VIEW_FORMAT) {
    const parsed = SavedViewBodySchema.safeParse(data);
    return parsed.success ? parsed.data : null;
  }
  if (format === 1) {
    const parsed = ViewV1Schema.safeParse(data);
    if (!parsed.success) return null;
    const { center, zoom, visibility, opacity } = parsed.data;
    return { camera: { center, zoom, bearing: 0, pitch: 0 }, layers: { visibility, opacity, gridMeasure: 'open-cases' } };
  }
  return null;
}

