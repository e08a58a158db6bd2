import type { PtzPosition } from '../../../shared/media/ptz.js';

/**
 * The geometry of a virtual PTZ camera: a wide scene (`SCENE`, what ffmpeg generates) seen through a window of
 * `VIEW` pixels. Zoom z scales the scene to `z × ZOOM_1_SCALE` of its size and the view is cut from that, so at zoom 1
 * the camera sees two thirds of the scene and can still pan and tilt across the rest; pan 0 is the left edge, tilt 1
 * the top. Real PTZ heads work the same way (a position in a range and a magnification); only the optics are digital.
 */
export const SCENE = { width: 1920, height: 1080 } as const;
export const VIEW = { width: 960, height: 540 } as const;
const ZOOM_1_SCALE = 0.75;
export const ZOOM_RANGE = { min: 1, max: 2 } as const;
/** Seconds a full-speed move takes across the whole range of each axis (a real dome's 60-120°/s, roughly). */
const FULL_RANGE_SECONDS = { pan: 6, tilt: 4, zoom: 3 } as const;

export const HOME: PtzPosition = { pan: 0.5, tilt: 0.5, zoom: 1 };

export type PtzVelocity = { pan: number; tilt: number; zoom: number };

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** Where a camera moving at `velocity` (-1..1 per axis) is after `seconds`, stopped at the ends of its ranges. */
export function advance(position: PtzPosition, velocity: PtzVelocity, seconds: number): PtzPosition {
  return {
    pan: clamp(position.pan + (velocity.pan * seconds) / FULL_RANGE_SECONDS.pan, 0, 1),
    tilt: clamp(position.tilt + (velocity.tilt * seconds) / FULL_RANGE_SECONDS.tilt, 0, 1),
    zoom: clamp(position.zoom + (velocity.zoom * seconds * (ZOOM_RANGE.max - ZOOM_RANGE.min)) / FULL_RANGE_SECONDS.zoom, ZOOM_RANGE.min, ZOOM_RANGE.max),
  };
}

/** The scaled scene's size and the view's top-left corner in it, in whole pixels (even sizes, as yuv420p needs). */
export function viewWindow(position: PtzPosition): { scaledWidth: number; scaledHeight: number; x: number; y: number } {
  const even = (value: number) => 2 * Math.round(value / 2);
  const scaledWidth = Math.max(VIEW.width, even(SCENE.width * ZOOM_1_SCALE * position.zoom));
  const scaledHeight = Math.max(VIEW.height, even(SCENE.height * ZOOM_1_SCALE * position.zoom));
  return {
    scaledWidth,
    scaledHeight,
    x: Math.round(position.pan * (scaledWidth - VIEW.width)),
    y: Math.round((1 - position.tilt) * (scaledHeight - VIEW.height)),
  };
}

/**
 * What the picture says of the position (burnt in, so a still shows where the camera looked): per cent of each range,
 * without '%' or ':', which ffmpeg's drawtext and its option parser would read as their own.
 */
export function positionLabel(position: PtzPosition): string {
  const percent = (value: number) => Math.round(value * 100);
  return `PAN ${percent(position.pan)}  TILT ${percent(position.tilt)}  ZOOM ${position.zoom.toFixed(1)}x`;
}
