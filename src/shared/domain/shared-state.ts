import { z } from 'zod';
import { ActiveSceneSchema } from '../wall/scenes.js';
import { RiskGradeSchema, incidentSeverities } from './feed.js';
import { LngLatSchema } from './geo.js';
import { PlayableStreamSchema } from '../media/cameras.js';

export const selectableKinds = ['component', 'grid-cell', 'sensor', 'risk-site', 'vehicle', 'crew', 'incident', 'camera', 'transfer-station'] as const;

/**
 * The object selected on a map, by the id its register gives it (a component's 16-digit code, a grid cell's 15-digit
 * code, SN…/RS…/VH…/CR…/CM…/TS… ids, an incident id), so another window resolves it in its own copy of the city.
 */
export const SelectionSchema = z
  .object({
    kind: z.enum(selectableKinds),
    id: z.string().min(1).max(40),
  })
  .strict();
export type Selection = z.infer<typeof SelectionSchema>;

/**
 * An alarm popped up on the video wall: its cameras take the wall's reserved tiles until the alarm is handled (the
 * operator confirms it, or its incident closes), and the tiles shown before come back.
 */
export const AlarmPopupSchema = z.object({
  incidentId: z.string(),
  title: z.string(),
  severity: z.enum(incidentSeverities),
  position: LngLatSchema,
  raisedAt: z.string(),
  drill: z.boolean(),
});
export type AlarmPopup = z.infer<typeof AlarmPopupSchema>;

/** What every window of the console follows: the incident in focus (set on any window, shown on all). */
export const SharedStateSchema = z.object({
  focusedIncidentId: z.string().nullable(),
  /** Who focused it, from which window, and when: a wall shows why its screens changed. */
  focusedBy: z.string().nullable(),
  focusedAt: z.string().nullable(),
  /** The wall's scene. The host always has one; null only in a window that has not heard from its host yet. */
  scene: ActiveSceneSchema.nullable(),
  /** The object selected on a map window; other map windows select it too and show its details. */
  selection: SelectionSchema.nullable(),
  /** Alarms waiting to be handled, the one the wall shows first (most severe, then oldest) at the head. */
  alarms: z.array(AlarmPopupSchema),
});
export type SharedState = z.infer<typeof SharedStateSchema>;

export const initialSharedState: SharedState = { focusedIncidentId: null, focusedBy: null, focusedAt: null, scene: null, selection: null, alarms: [] };

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

/** A camera of the catalogue, as a list names it. */
export const CameraSummarySchema = NearbyCameraSchema.omit({ distanceM: true });
export type CameraSummary = z.infer<typeof CameraSummarySchema>;

/** A camera of a scene's camera group, with the risk site it watches. */
export const GroupCameraSchema = NearbyCameraSchema.omit({ distanceM: true }).extend({
  siteName: z.string(),
  siteGrade: RiskGradeSchema,
});
export type GroupCamera = z.infer<typeof GroupCameraSchema>;

/** Where a camera's streams play from, per quality (sub-stream in a grid, main when focused): HLS or the SFU's WebRTC. */
export const CameraStreamsSchema = z.object({
  cameraId: z.string(),
  code: z.string(),
  name: z.string(),
  ptz: z.boolean(),
  streams: z.object({ main: PlayableStreamSchema, sub: PlayableStreamSchema }),
});
export type CameraStreams = z.infer<typeof CameraStreamsSchema>;
