import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { choiceNow, decodeWindowState } from './window-state-codec.js';

const LayoutSchema = z.object({ layoutSize: z.union([z.literal(1), z.literal(4), z.literal(9), z.literal(16)]) });

describe('window state decoding', () => {
  it('uses the current version, migrates an older one, and starts afresh from a newer or broken one', () => {
    expect(decodeWindowState({ version: 2, data: { layoutSize: 4 }, savedAt: 't' }, LayoutSchema, 2)).toEqual({ layoutSize: 4 });
    const migrate = (version: number, data: unknown) => (version === 1 ? { layoutSize: (data as { tiles: number }).tiles } : null);
    expect(decodeWindowState({ version: 1, data: { tiles: 16 }, savedAt: 't' }, LayoutSchema, 2, migrate)).toEqual({ layoutSize: 16 });
    expect(decodeWindowState({ version: 1, data: { tiles: 16 }, savedAt: 't' }, LayoutSchema, 2)).toBeNull();
    expect(decodeWindowState({ version: 3, data: { layoutSize: 4 }, savedAt: 't' }, LayoutSchema, 2)).toBeNull();
    expect(decodeWindowState({ version: 2, data: { layoutSize: 5 }, savedAt: 't' }, LayoutSchema, 2)).toBeNull();
  });

  it('keeps a window’s own choice until the next scene change', () => {
    expect(choiceNow(9, 'scene-at-1', null)).toBe(9);
    expect(choiceNow(9, 'scene-at-1', { choice: 4, underScene: 'scene-at-1' })).toBe(4);
    expect(choiceNow(16, 'scene-at-2', { choice: 4, underScene: 'scene-at-1' })).toBe(16);
  });
});
