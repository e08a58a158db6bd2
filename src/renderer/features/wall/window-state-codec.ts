import type { z } from 'zod';
import type { JsonValue, SavedWindowState } from '../../../shared/wall/window-state.js';

/** Turns an older saved version into the current one's data (or anything the schema then refuses). */
export type WindowStateMigration = (version: number, data: JsonValue) => unknown;

/**
 * The saved state a window may use, or null to start from its defaults: the current version as is, an older one
 * through `migrate`, and never a newer one (written by a later release; guessing at it could show something wrong).
 */
export function decodeWindowState<T>(saved: SavedWindowState, schema: z.ZodType<T>, version: number, migrate?: WindowStateMigration): T | null {
  if (saved.version > version) return null;
  let data: unknown = saved.data;
  if (saved.version < version) {
    if (!migrate) return null;
    data = migrate(saved.version, saved.data);
  }
  const parsed = schema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

/**
 * A choice a window made itself (a layout, a panel) holds until the next scene change: it remembers the scene
 * application (`appliedAt`) it was made under, and a later scene wins. No clocks are compared, so a browser whose
 * clock is off cannot keep a stale choice on the wall.
 */
export interface OwnChoice<T> {
  choice: T;
  underScene: string | null;
}

export function choiceNow<T>(sceneValue: T, sceneAppliedAt: string | null, own: OwnChoice<T> | null): T {
  return own !== null && own.underScene === sceneAppliedAt ? own.choice : sceneValue;
}
