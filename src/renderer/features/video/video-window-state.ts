import { z } from 'zod';
import { VideoLayoutSizeSchema, type VideoLayoutSize } from '../../../shared/wall/scenes.js';
import { MAX_DWELL_SECONDS, MIN_DWELL_SECONDS } from '../../../shared/wall/tour.js';
import type { Tile } from './wall-slots.js';

/** A camera as a tile shows it, checked wherever it comes from outside the page's own code (a drop, a saved state). */
export const TileSchema = z.object({ id: z.string().regex(/^CM\d{6}$/), name: z.string().max(100), detail: z.string().max(200) }).strict();

/** A tour of the wall's cameras: how long each page stays, and when page 0 was first shown (ISO time, this browser's clock). */
export const VideoTourSchema = z.object({ dwellS: z.number().int().min(MIN_DWELL_SECONDS).max(MAX_DWELL_SECONDS), startedAt: z.iso.datetime() }).strict();
export type VideoTour = z.infer<typeof VideoTourSchema>;

/** The cameras dragged onto tiles (grid position -> camera), and the wall they were placed on (source, layout, tour page). */
export const PlacedCamerasSchema = z
  .object({
    wall: z.string().max(2000),
    tiles: z.record(z.string().regex(/^(?:\d|1[0-5])$/, 'a grid position is 0 to 15'), TileSchema),
  })
  .strict();
export type PlacedCameras = z.infer<typeof PlacedCamerasSchema>;

const NOTHING_PLACED: PlacedCameras = { wall: '', tiles: {} };

/**
 * What a video window keeps of its own across a reload: the layout it was set to and under which scene (a later
 * scene's layout replaces it), its tour, and the cameras dragged onto its tiles. The tour and the placed cameras came
 * later: a state saved before them has neither and still loads (no tour, nothing placed), so they are optional with
 * defaults rather than a new version.
 */
export const VideoWindowStateSchema = z
  .object({
    choice: VideoLayoutSizeSchema,
    underScene: z.string().nullable(),
    tour: VideoTourSchema.nullable().default(null),
    placed: PlacedCamerasSchema.default(NOTHING_PLACED),
  })
  .strict();
export type VideoWindowState = z.infer<typeof VideoWindowStateSchema>;

/**
 * The state to save when the operator changes one thing. A window that never chose a layout (or chose it under an
 * earlier scene) saves the layout it shows now under the scene it shows now: the same wall, which the next scene
 * still replaces.
 */
export function withVideoChange(
  saved: VideoWindowState | null,
  now: { layout: VideoLayoutSize; scene: string | null },
  change: Partial<Pick<VideoWindowState, 'choice' | 'tour' | 'placed'>>,
): VideoWindowState {
  const current = saved !== null && saved.underScene === now.scene ? saved : { choice: now.layout, underScene: now.scene };
  return {
    choice: current.choice,
    underScene: now.scene,
    tour: saved?.tour ?? null,
    placed: saved?.placed ?? NOTHING_PLACED,
    ...change,
  };
}

/**
 * Which wall the placed cameras belong to (`source`: the focused incident's id, or the camera group as JSON): the cameras dragged onto tiles hold their place while the wall's source,
 * layout and tour page stay the same, and give way when one of them changes (the tiles then show other cameras).
 */
export function placementWall(source: string, layout: number, tourPage: number): string {
  return `${source}|${layout}|${tourPage}`;
}

/** The cameras placed on this wall (none when they were placed on another). */
export function placementsOn(placed: PlacedCameras | undefined, wall: string): Readonly<Record<number, Tile>> {
  return placed?.wall === wall ? placed.tiles : {};
}

/** The placed cameras with `tile` put at grid position `index` (those placed on another wall are dropped). */
export function withPlacement(placed: PlacedCameras | undefined, wall: string, index: number, tile: Tile): PlacedCameras {
  return { wall, tiles: { ...placementsOn(placed, wall), [index]: tile } };
}

/**
 * The page a tour shows at `nowMs`: one more every dwell since it started. A reloaded window resumes the page the tour
 * would be on had it not reloaded, rather than page 0: a wall screen that reloads (a controller's watchdog, a crash)
 * keeps the round the operator set, and the cameras of later pages are not left unseen by a screen that reloads
 * often. A clock set back before the start shows page 0.
 */
export function tourPageAt(tour: VideoTour, nowMs: number): number {
  return Math.floor(Math.max(0, nowMs - Date.parse(tour.startedAt)) / (tour.dwellS * 1000));
}

/** Milliseconds from `nowMs` until the tour turns its next page. */
export function msToNextTourPage(tour: VideoTour, nowMs: number): number {
  const dwellMs = tour.dwellS * 1000;
  const elapsed = Math.max(0, nowMs - Date.parse(tour.startedAt));
  return dwellMs - (elapsed % dwellMs);
}
