import { z } from 'zod';
import { RoleSchema } from '../domain/roles.js';

/**
 * One window's own state (the video layout it was set to, the panel it shows, later the map's view), kept by the host
 * so a window closed and opened again comes back as it was. The host checks the envelope (a version, plain JSON, a
 * size cap); the feature that owns the state checks its content with its own schema when it loads it, because only
 * that feature knows its shape and how to migrate an older version.
 */

/** Large enough for a map view with its layer list; small enough that a runaway window cannot fill the database. */
export const WINDOW_STATE_MAX_BYTES = 16 * 1024;
/** Deeper nesting than this is no window's state; refusing it also keeps the checks below from recursing deeply. */
const WINDOW_STATE_MAX_DEPTH = 16;

/** Which screen of the wall a window is: the wall screen index on Electron, `?screen=` on a kiosk URL. */
export const ScreenKeySchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a screen key is 1–32 letters, digits, "-" or "_"');
export const DEFAULT_SCREEN_KEY = 'default';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Where `value` is not plain JSON within the limits, why; null when it is. Iterative, so no payload can exhaust the stack. */
export function jsonProblem(value: unknown): string | null {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop() as { value: unknown; depth: number };
    if (next.depth > WINDOW_STATE_MAX_DEPTH) return `nested deeper than ${WINDOW_STATE_MAX_DEPTH} levels`;
    const item = next.value;
    if (item === null || typeof item === 'string' || typeof item === 'boolean') continue;
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) return 'numbers must be finite';
      continue;
    }
    if (Array.isArray(item)) {
      for (const element of item) pending.push({ value: element, depth: next.depth + 1 });
      continue;
    }
    if (typeof item === 'object' && Object.getPrototypeOf(item) === Object.prototype) {
      for (const element of Object.values(item)) pending.push({ value: element, depth: next.depth + 1 });
      continue;
    }
    return `only strings, numbers, booleans, null, arrays and plain objects are allowed (found ${typeof item})`;
  }
  const bytes = utf8Length(JSON.stringify(value));
  return bytes > WINDOW_STATE_MAX_BYTES ? `${bytes} bytes as JSON; a window's state is at most ${WINDOW_STATE_MAX_BYTES}` : null;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      // A surrogate pair is one 4-byte character.
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}

export const WindowStateDataSchema = z.custom<JsonValue>().superRefine((value, context) => {
  const problem = jsonProblem(value);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

export const WindowStateSchema = z
  .object({
    /** The version of the owning feature's state format; a newer window migrates an older one or starts afresh. */
    version: z.number().int().min(1).max(1_000_000),
    data: WindowStateDataSchema,
  })
  .strict();
export type WindowState = z.infer<typeof WindowStateSchema>;

export const SavedWindowStateSchema = WindowStateSchema.extend({ savedAt: z.string() });
export type SavedWindowState = z.infer<typeof SavedWindowStateSchema>;

export const WindowKeySchema = z.object({ role: RoleSchema, screen: ScreenKeySchema }).strict();
export type WindowKey = z.infer<typeof WindowKeySchema>;
