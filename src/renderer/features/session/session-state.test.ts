import { describe, expect, it } from 'vitest';
import { apiError } from '../../../shared/contract/errors.js';
import type { Principal } from '../../../shared/identity/principal.js';
import { signedInUser } from '../../../../test/fixtures/principals.js';
import {
  credentialStatus,
  enrolmentLink,
  initialSessionState,
  isAdministrator,
  oneTimeCodeOf,
  seesTheWall,
  signInProblemOf,
  withLinkError,
  withoutFragment,
  withPrincipal,
} from './session-state.js';

const user: Principal = signedInUser();

describe('session state', () => {
  it('takes the one-time code from the fragment only', () => {
    expect(oneTimeCodeOf('#code=abc_DEF-123')).toBe('abc_DEF-123');
    expect(oneTimeCodeOf('#other=1&code=xyz')).toBe('xyz');
    expect(oneTimeCodeOf('')).toBeNull();
    expect(oneTimeCodeOf('#code=')).toBeNull();
    expect(withoutFragment({ pathname: '/map', search: '?screen=1' })).toBe('/map?screen=1');
  });

  it('keeps the same object for the same principal, and forgets a link error once signed in', () => {
    const unknown = withLinkError(initialSessionState, apiError('unauthorized', 'used'));
    const anonymous = withPrincipal(unknown, { kind: 'anonymous' });
    expect(anonymous.linkError?.message).toBe('used');
    expect(withPrincipal(anonymous, { kind: 'anonymous' })).toBe(anonymous);
    const signedIn = withPrincipal(anonymous, user);
    expect(signedIn.linkError).toBeNull();
    expect(withPrincipal(signedIn, { ...user })).toBe(signedIn);
    expect(withPrincipal(signedIn, { ...user, locked: true }).principal).toMatchObject({ locked: true });
  });

  it('tells a wrong password, a throttle with its wait, a used link and a lost host apart', () => {
    expect(signInProblemOf(apiError('unauthorized', 'The user name or password is wrong, or the user is disabled.'))).toEqual({ kind: 'wrong-password' });
    expect(signInProblemOf(apiError('unauthorized', 'Too many failed sign-ins: try again in 42 s.'))).toEqual({ kind: 'too-many', waitSeconds: 42 });
    expect(signInProblemOf(apiError('unauthorized', 'This link or code has been used, has expired or was revoked: ask an administrator for a new one.'))).toEqual({
      kind: 'link-used',
    });
    expect(signInProblemOf(apiError('unavailable', 'gone'))).toEqual({ kind: 'unreachable' });
    expect(signInProblemOf(apiError('internal', 'boom'))).toEqual({ kind: 'other' });
  });

  it('lets users and wall screens see the wall, and knows an administrator', () => {
    expect(seesTheWall(user)).toBe(true);
    expect(seesTheWall({ kind: 'screen', credentialId: 'CD0123456789ab', label: 'Wall 1' })).toBe(true);
    expect(seesTheWall({ kind: 'crew', crewId: 'CR0001', credentialId: 'CD0123456789ab', label: 'x' })).toBe(false);
    expect(seesTheWall({ kind: 'anonymous' })).toBe(false);
    expect(seesTheWall(null)).toBe(false);
    expect(isAdministrator(user)).toBe(false);
    expect(isAdministrator({ ...user, roles: ['administrator'] })).toBe(true);
  });

  it('makes enrolment links and tells a credential state', () => {
    expect(enrolmentLink('http://10.0.0.5:7400', 'crew', 'abc')).toBe('http://10.0.0.5:7400/crew#code=abc');
    expect(enrolmentLink('http://10.0.0.5:7400', 'video', 'abc')).toBe('http://10.0.0.5:7400/video#code=abc');
    const now = new Date('2026-01-02T00:00:00Z');
    const base = { revokedAt: null, expiresAt: null, pending: false };
    expect(credentialStatus(base, now)).toBe('active');
    expect(credentialStatus({ ...base, pending: true }, now)).toBe('pending');
    expect(credentialStatus({ ...base, expiresAt: '2026-01-01T00:00:00Z' }, now)).toBe('expired');
    expect(credentialStatus({ ...base, revokedAt: '2026-01-01T00:00:00Z', pending: true }, now)).toBe('revoked');
  });
});
