import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/helpers/test-logger.js';
import { openDatabase } from '../../../node/sqlite.js';
import { consoleMigrations } from '../db/console-migrations.js';
import { IdentityService, type CredentialChange } from './identity-service.js';

const PASSWORD = 'first password';

async function identityAt(start = Date.parse('2026-12-06T08:00:00Z')) {
  let now = start;
  const db = openDatabase({ file: ':memory:', migrations: consoleMigrations, logger: recordingLogger() });
  const identity = new IdentityService({ db, now: () => new Date(now), logger: recordingLogger() });
  await identity.bootstrap(PASSWORD);
  const changes: CredentialChange[] = [];
  identity.onChange((change) => changes.push(change));
  return { identity, changes, advance: (ms: number) => (now += ms), db };
}

describe('identity', () => {
  it('makes one administrator holding every role on the first start only, with a random password when none is given', async () => {
    const { identity } = await identityAt();
    expect(identity.listUsers()).toEqual([expect.objectContaining({ username: 'admin', roles: ['duty-operator', 'dispatcher', 'commander', 'drill-director', 'administrator'] })]);
    expect(await identity.bootstrap('another')).toBeNull();
    const fresh = new IdentityService({ db: openDatabase({ file: ':memory:', migrations: consoleMigrations, logger: recordingLogger() }), now: () => new Date(), logger: recordingLogger() });
    const made = await fresh.bootstrap(null);
    expect(made?.password).toMatch(/^[\w-]{16}$/);
    await expect(fresh.signIn('admin', made?.password ?? '', 'a')).resolves.toMatchObject({ principal: { kind: 'user', username: 'admin' } });
  });

  it('signs in with the right password only, and the session ends after 12 hours', async () => {
    const { identity, advance } = await identityAt();
    await expect(identity.signIn('admin', 'wrong password', 'a')).rejects.toThrow(/wrong/);
    await expect(identity.signIn('nobody', PASSWORD, 'a')).rejects.toThrow(/wrong/);
    const { secret, principal } = await identity.signIn('admin', PASSWORD, 'a');
    expect(principal).toMatchObject({ kind: 'user', locked: false });
    expect(identity.principalFor(secret)).toMatchObject({ kind: 'user', username: 'admin' });
    advance(12 * 3_600_000 - 1000);
    expect(identity.principalFor(secret).kind).toBe('user');
    advance(2000);
    expect(identity.principalFor(secret).kind).toBe('anonymous');
  });

  it('keeps no secret in the database: what it stores signs nobody in', async () => {
    const { identity, db } = await identityAt();
    const { secret } = await identity.signIn('admin', PASSWORD, 'a');
    const stored = db.prepare<[], { secret_hash: string }>('SELECT secret_hash FROM credentials WHERE secret_hash IS NOT NULL').all();
    expect(JSON.stringify(stored)).not.toContain(secret);
    for (const row of stored) expect(identity.principalFor(row.secret_hash).kind).toBe('anonymous');
  });

  it('uses a one-time code once: a sign-in link, a crew enrolment', async () => {
    const { identity, advance } = await identityAt();
    const link = identity.signInLinkCode() as string;
    const first = identity.redeem(link, 'a');
    expect(first.principal).toMatchObject({ kind: 'user', username: 'admin' });
    expect(() => identity.redeem(link, 'b')).toThrow(/used, has expired or was revoked/);
    const issued = identity.issue({ kind: 'crew', crewId: 'CR0002' }, 'admin');
    expect(issued.credential).toMatchObject({ kind: 'crew', crewId: 'CR0002', pending: true });
    advance(24 * 3_600_000 + 1);
    expect(() => identity.redeem(issued.enrolmentCode, 'phone')).toThrow(/expired/);
    const again = identity.issue({ kind: 'crew', crewId: 'CR0002' }, 'admin');
    const phone = identity.redeem(again.enrolmentCode, 'phone');
    expect(phone.principal).toEqual({ kind: 'crew', crewId: 'CR0002', credentialId: again.credential.id, label: 'CR0002' });
    // A device credential does not expire with time: a crew phone stays enrolled until it is revoked.
    advance(200 * 86_400_000);
    expect(identity.principalFor(phone.secret).kind).toBe('crew');
  });

  it('ends a revoked credential at once and tells the connections holding it', async () => {
    const { identity, changes } = await identityAt();
    const screen = identity.issue({ kind: 'screen', label: 'wall 3' }, 'admin');
    const { secret } = identity.redeem(screen.enrolmentCode, 'wall');
    expect(identity.principalFor(secret).kind).toBe('screen');
    identity.revoke(screen.credential.id, 'admin');
    expect(identity.principalFor(secret).kind).toBe('anonymous');
    expect(changes).toContainEqual({ credentialId: screen.credential.id, change: 'ended' });
    expect(identity.listCredentials().find((entry) => entry.id === screen.credential.id)?.revokedAt).not.toBeNull();
  });

  it('locks a session (the wall stays, commands wait) until the same password unlocks it', async () => {
    const { identity, changes } = await identityAt();
    const { secret, principal } = await identity.signIn('admin', PASSWORD, 'a');
    if (principal.kind !== 'user') throw new Error('not a user');
    identity.lock(principal);
    expect(identity.principalFor(secret)).toMatchObject({ locked: true });
    await expect(identity.unlock(principal, 'wrong password')).rejects.toThrow(/stays locked/);
    await identity.unlock(principal, PASSWORD);
    expect(identity.principalFor(secret)).toMatchObject({ locked: false });
    expect(changes.filter((change) => change.change === 'updated')).toHaveLength(2);
  });

  it('ends every session of a user who is disabled, and keeps one enabled administrator', async () => {
    const { identity } = await identityAt();
    const users = await identity.saveUser({ id: null, username: 'li.wei', displayName: '李伟', roles: ['dispatcher'], disabled: false, password: 'dispatcher password' }, 'admin');
    const li = users.find((user) => user.username === 'li.wei');
    const { secret } = await identity.signIn('li.wei', 'dispatcher password', 'b');
    await identity.saveUser({ id: li?.id ?? null, username: 'li.wei', displayName: '李伟', roles: ['dispatcher'], disabled: true }, 'admin');
    expect(identity.principalFor(secret).kind).toBe('anonymous');
    await expect(identity.signIn('li.wei', 'dispatcher password', 'b')).rejects.toThrow(/disabled/);
    const admin = identity.listUsers().find((user) => user.username === 'admin');
    await expect(identity.saveUser({ id: admin?.id ?? null, username: 'admin', displayName: 'admin', roles: ['commander'], disabled: false }, 'admin')).rejects.toThrow(/administrator must remain/);
    await expect(identity.saveUser({ id: null, username: 'admin', displayName: 'x', roles: [], disabled: false, password: 'whatever 1234' }, 'admin')).rejects.toThrow(/already a user/);
  });

  it('changing a password ends the user’s other sessions, not this one', async () => {
    const { identity } = await identityAt();
    const here = await identity.signIn('admin', PASSWORD, 'a');
    const elsewhere = await identity.signIn('admin', PASSWORD, 'b');
    if (here.principal.kind !== 'user') throw new Error('not a user');
    await identity.changePassword(here.principal, PASSWORD, 'second password');
    expect(identity.principalFor(here.secret).kind).toBe('user');
    expect(identity.principalFor(elsewhere.secret).kind).toBe('anonymous');
    await expect(identity.signIn('admin', 'second password', 'c')).resolves.toBeTruthy();
  });
});
