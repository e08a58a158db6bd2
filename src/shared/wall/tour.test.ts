import { describe, expect, it } from 'vitest';
import { parseTourParams } from './tour.js';

describe('kiosk tour parameters', () => {
  it('reads the roles in order and the dwell time in seconds', () => {
    expect(parseTourParams([['roles', 'map,video'], ['dwell', '10']])).toEqual({ ok: true, roles: ['map', 'video'], dwellSeconds: 10 });
    expect(parseTourParams([['roles', 'plans'], ['dwell', '3.5'], ['screen', 'left'], ['token', 't']])).toEqual({ ok: true, roles: ['plans'], dwellSeconds: 3.5 });
    expect(parseTourParams([['roles', 'map, dispatch']])).toEqual({ ok: true, roles: ['map', 'dispatch'], dwellSeconds: 15 });
  });

  it('lists every problem at once', () => {
    expect(parseTourParams([['roles', 'map,radar'], ['dwell', '1'], ['rol', 'x']])).toEqual({
      ok: false,
      problems: [
        { kind: 'unknown-parameter', value: 'rol' },
        { kind: 'role-unknown', value: 'radar' },
        { kind: 'dwell-out-of-range', value: '1' },
      ],
    });
    expect(parseTourParams([['dwell', 'ten']])).toEqual({ ok: false, problems: [{ kind: 'roles-missing' }, { kind: 'dwell-invalid', value: 'ten' }] });
    expect(parseTourParams([['roles', 'map'], ['dwell', '']])).toMatchObject({ ok: false, problems: [{ kind: 'dwell-invalid' }] });
    expect(parseTourParams([['roles', Array(13).fill('map').join(',')]])).toMatchObject({ ok: false, problems: [{ kind: 'too-many-stops', value: '13' }] });
  });
});
