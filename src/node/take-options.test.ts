import { describe, expect, it } from 'vitest';
import { takeOptions } from './take-options.js';

describe('takeOptions', () => {
  it('takes the named options, with their values in either form, and leaves the rest in order', () => {
    const { values, rest } = takeOptions(['--port', '1', '--seed', '7', '--ticks=3', '--web', 'x'], { seed: { type: 'string' }, ticks: { type: 'string' } });
    expect(values).toMatchObject({ seed: '7', ticks: '3' });
    expect(rest).toEqual(['--port', '1', '--web', 'x']);
  });
});
