/**
 * Messages from another process nest no deeper than this. JSON.parse copes with far deeper text, but what is done
 * with the value afterwards (JSON.stringify, socket.io's binary scan, recursive schemas) recurses and would overflow
 * the stack; a legitimate message (a plan, a scene, a window's state) stays well below it.
 */
export const MAX_JSON_DEPTH = 64;

export interface JsonTextShape {
  /** The deepest nesting of arrays and objects. */
  depth: number;
  /** How many items the outermost array or object holds (0 for a scalar). */
  outerItems: number;
}

/**
 * The nesting of a JSON text, read in one pass without building it, so a text too deep to handle can be refused
 * before anything recurses over it. Brackets inside strings do not count; the text need not be valid JSON.
 */
export function jsonTextShape(text: string): JsonTextShape {
  let depth = 0;
  let deepest = 0;
  let outerItems = 0;
  let inString = false;
  let escaped = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (escaped) escaped = false;
      else if (char === 0x5c) escaped = true;
      else if (char === 0x22) inString = false;
      continue;
    }
    if (char === 0x22) {
      inString = true;
      if (depth === 1 && outerItems === 0) outerItems = 1;
    } else if (char === 0x5b || char === 0x7b) {
      if (depth === 1 && outerItems === 0) outerItems = 1;
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (char === 0x5d || char === 0x7d) {
      depth = Math.max(0, depth - 1);
    } else if (depth === 1) {
      if (char === 0x2c) outerItems += 1;
      else if (outerItems === 0 && char > 0x20) outerItems = 1;
    }
  }
  return { depth: deepest, outerItems };
}
