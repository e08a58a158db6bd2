import { z } from 'zod';
import { CameraIdSchema } from '../media/cameras.js';

/**
 * A camera to play on its own on a video wall, asked for by another window (a camera picked on a map). It goes by
 * request and claim, like a call request: the first video window to claim it plays it, and a window that opens later
 * never mistakes an earlier request, or the shared selection, for one addressed to it.
 */
export const WallPlayRequestSchema = z
  .object({
    requestId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
    cameraId: CameraIdSchema,
  })
  .strict();
export type WallPlayRequest = z.infer<typeof WallPlayRequestSchema>;
