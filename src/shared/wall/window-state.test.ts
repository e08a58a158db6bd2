import { describe, expect, it } from 'vitest';
import { WINDOW_STATE_MAX_BYTES, WindowStateSchema, jsonProblem } from './window-state.js';

describe('window state envelope', () => {
  it('accepts plain JSON with a version', () => {
    expect(WindowStateSchema.safeParse({ version: 2, data: { layoutSize: 9, layers: ['rivers'], note: null } }).success).toBe(true);
  });

  it('refuses what is not plain JSON, naming why', () => {
    expect(jsonProblem({ at: new Date() })).toMatch(/plain objects/);
    expect(jsonProblem([Number.NaN])).toMatch(/finite/);
    expect(jsonProblem({ f: undefined })).toMatch(/undefined/);
    expect(WindowStateSchema.safeParse({ version: 0, data: {} }).success).toBe(false);
    expect(WindowStateSchema.safeParse({ version: 1, data: {}, extra: 1 }).success).toBe(false);
  });

  it('caps the size in UTF-8 bytes (Chinese text counts three bytes a character)', () => {
    const fits = { text: 'a'.repeat(WINDOW_STATE_MAX_BYTES - 20) };
    expect(jsonProblem(fits)).toBeNull();
    const chinese = { text: '视'.repeat(Math.ceil(WINDOW_STATE_MAX_BYTES / 3)) };
    expect(jsonProblem(chinese)).toMatch(/bytes as JSON/);
  });

  it('refuses deep nesting without recursing on it (a hostile payload cannot exhaust the stack)', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(jsonProblem(deep)).toMatch(/nested deeper/);
  });
});
