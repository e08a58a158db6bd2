import { z } from 'zod';
import { RoleSchema } from '../domain/roles.js';

export const RectSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(200),
  height: z.number().int().min(150),
});
export type Rect = z.infer<typeof RectSchema>;

/**
 * Which display shows which role: one window per screen of the wall, never one canvas across displays (maplibre caps
 * a canvas at 4096 px). `displayId` is the id the OS gave the display when it was configured; a screen whose display
 * is gone opens on the primary one until it returns, and keeps its place in the configuration.
 */
export const WallScreenSchema = z.object({
  role: RoleSchema,
  displayId: z.number().int().nullable(),
  fullscreen: z.boolean(),
  /** Where the window was last put, for windowed screens. */
  bounds: RectSchema.nullable(),
});
export type WallScreen = z.infer<typeof WallScreenSchema>;

export const WallConfigSchema = z.object({
  version: z.literal(1),
  screens: z.array(WallScreenSchema).min(1).max(16),
});
export type WallConfig = z.infer<typeof WallConfigSchema>;

export const defaultWallConfig: WallConfig = {
  version: 1,
  screens: [{ role: 'map', displayId: null, fullscreen: false, bounds: null }],
};
