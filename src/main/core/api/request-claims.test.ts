import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../../../shared/contract/errors.js';
import { ManualClock } from '../../../../test/helpers/manual-clock.js';
import { CLAIM_WINDOW_MS, RequestClaims } from './request-claims.js';

describe('request claims', () => {
  it('gives a request to the first window that claims it and tells any other no', () => {
    const claims = new RequestClaims('wall play request', new ManualClock());
    claims.open('request-1');
    expect(claims.claim('request-1', 'window-a')).toBe(true);
    expect(claims.claim('request-1', 'window-b')).toBe(false);
    expect(claims.claim('request-1', 'window-a')).toBe(true);
  });

  it('answers not-found for a request never opened, naming what was asked for', () => {
    const claims = new RequestClaims('wall play request', new ManualClock());
    expect(() => claims.claim('request-x', 'window-a')).toThrow(ApiFailure);
    expect(() => claims.claim('request-x', 'window-a')).toThrow(/No wall play request request-x is waiting/);
  });

  it('forgets requests older than the claim window once the next one opens', () => {
    const clock = new ManualClock();
    const claims = new RequestClaims('call request', clock);
    claims.open('old');
    clock.advance(CLAIM_WINDOW_MS / 1000 + 1);
    claims.open('new');
    expect(() => claims.claim('old', 'window-a')).toThrow(/No call request old/);
    expect(claims.claim('new', 'window-a')).toBe(true);
  });
});
