import { describe, expect, it } from 'vitest';
import { takeSourceScope } from './source-admin.js';

describe('takeSourceScope', () => {
  it('takes what a new source may speak for out of the arguments, and leaves the rest', () => {
    expect(takeSourceScope(['--data-dir', 'd', '--add-source', 'hotline', '--may-report', 'hotline-12319', '--devices', 'none'])).toEqual({
      scope: { systems: ['hotline-12319'], devices: [] },
      rest: ['--data-dir', 'd', '--add-source', 'hotline'],
    });
    expect(takeSourceScope(['--devices=SN0001*, VH000042', '--port', '1']).scope).toEqual({ systems: null, devices: ['SN0001*', 'VH000042'] });
    expect(takeSourceScope(['--add-source', 'x'])).toEqual({ scope: null, rest: ['--add-source', 'x'] });
  });

  it('refuses a system it does not know, and a device pattern that is not an id or a prefix', () => {
    expect(() => takeSourceScope(['--may-report', 'twitter'])).toThrow(/--may-report takes hotline-12319, citizen-app/);
    expect(() => takeSourceScope(['--devices', 'S*N'])).toThrow(/prefixes ending in \*/);
    expect(() => takeSourceScope(['--devices', ''])).toThrow(/comma-separated list, or none/);
  });
});
