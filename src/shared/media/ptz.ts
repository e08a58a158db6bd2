import { z } from 'zod';
import { CameraIdSchema } from './cameras.js';

/**
 * PTZ (pan, tilt, zoom) as an operator drives it: a continuous move at a speed while a button is held, a stop when it
 * is let go, and the home position. Speeds are -1..1 per axis (ONVIF's generic velocity space); positive pan turns
 * right, positive tilt up, positive zoom in.
 */
export const PtzCommandSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('move'),
      pan: z.number().min(-1).max(1),
      tilt: z.number().min(-1).max(1),
      zoom: z.number().min(-1).max(1),
    })
    .strict(),
  z.object({ kind: z.literal('stop') }).strict(),
  z.object({ kind: z.literal('home') }).strict(),
]);
export type PtzCommand = z.infer<typeof PtzCommandSchema>;

/**
 * A move lasts this long unless the window sends it again: a console that dies or loses its connection mid-move
 * leaves the camera still, not turning for ever (ONVIF's ContinuousMove Timeout does the same on the camera).
 */
export const PTZ_MOVE_LEASE_MS = 3000;
/** A held button sends its move again this often, well inside the lease. */
export const PTZ_MOVE_RENEW_MS = 1000;

/** Where the camera looks, where the camera can say: pan and tilt 0..1 across its range, zoom as a magnification. */
export const PtzPositionSchema = z.object({ pan: z.number(), tilt: z.number(), zoom: z.number() }).strict();
export type PtzPosition = z.infer<typeof PtzPositionSchema>;

export const PtzRequestSchema = z.object({ cameraId: CameraIdSchema, command: PtzCommandSchema }).strict();
export type PtzRequest = z.infer<typeof PtzRequestSchema>;

/** What a command did: the position after it, where the camera reports one (ONVIF cameras are not asked). */
export const PtzResultSchema = z.object({ position: PtzPositionSchema.nullable() }).strict();
export type PtzResult = z.infer<typeof PtzResultSchema>;
