import { describe, expect, it } from 'vitest';
import { MAX_NOTICES, initialNoticesState, withNotice, withoutNotice } from './notices.js';

describe('notices of a window', () => {
  it('keeps each problem once, the newest last, and at most a few', () => {
    let state = withNotice(initialNoticesState, 'focus failed');
    state = withNotice(state, 'call failed');
    state = withNotice(state, 'focus failed');
    expect(state.list.map((notice) => notice.text)).toEqual(['call failed', 'focus failed']);
    for (let index = 0; index < MAX_NOTICES + 2; index += 1) state = withNotice(state, `problem ${index}`);
    expect(state.list).toHaveLength(MAX_NOTICES);
    expect(state.list.at(-1)?.text).toBe(`problem ${MAX_NOTICES + 1}`);
  });

  it('drops a dismissed notice and leaves the others', () => {
    const state = withNotice(withNotice(initialNoticesState, 'first'), 'second');
    const first = state.list[0]?.id ?? -1;
    expect(withoutNotice(state, first).list.map((notice) => notice.text)).toEqual(['second']);
    expect(withoutNotice(state, 999)).toBe(state);
  });
});
