import { z } from 'zod';
import { CameraIdSchema } from './cameras.js';

/**
 * A still taken from a tile: the picture as the operator saw it, with the time and the camera's code burnt in. At most
 * this many bytes: base64 in JSON must fit one host message (1 MiB); a 1080p JPEG at the quality windows use is far less.
 */
export const SNAPSHOT_MAX_BYTES = 700_000;

export const SnapshotSaveSchema = z
  .object({
    /** The camera; its code and name are the catalogue's, recorded with the still (a camera renamed later keeps them). */
    cameraId: CameraIdSchema,
    /** The incident it documents (the focused one, or the alarm's); null: taken without one. */
    incidentId: z.string().min(1).max(60).nullable(),
    /** When the frame was on screen (the window's clock), ISO 8601. */
    capturedAt: z.iso.datetime({ offset: true }),
    width: z.number().int().min(1).max(8192),
    height: z.number().int().min(1).max(8192),
    /** The JPEG, base64 (the payload crosses the host boundary as JSON). */
    jpegBase64: z
      .string()
      .min(1)
      .max(Math.ceil((SNAPSHOT_MAX_BYTES * 4) / 3) + 4)
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'not base64'),
  })
  .strict();
export type SnapshotSave = z.infer<typeof SnapshotSaveSchema>;

export const SnapshotSchema = z.object({
  id: z.string(),
  cameraId: z.string(),
  cameraCode: z.string(),
  cameraName: z.string(),
  incidentId: z.string().nullable(),
  capturedAt: z.string(),
  savedAt: z.string(),
  operator: z.string(),
  /** The console that took it (snapshots carry their origin like every record). */
  origin: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

export const SnapshotListSchema = z.object({ incidentId: z.string().min(1).max(60).nullable(), limit: z.number().int().min(1).max(500) }).strict();
