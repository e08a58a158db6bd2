import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { migrate } from '../../node/sqlite.js';
import { backendMigrations } from '../db/backend-migrations.js';
import { SourceCredentials, SourceNameTaken } from './source-credentials.js';

function sources(): SourceCredentials {
  const db = new Database(':memory:');
  migrate(db, backendMigrations, recordingLogger());
  return new SourceCredentials(db);
}

describe('source credentials', () => {
  it('admit a source by its credential alone or with its name, and keep only a hash', () => {
    const repository = sources();
    const { credential, source } = repository.add('hotline-12319', new Date('2026-11-27T01:00:00Z'));
    expect(source).toEqual({ name: 'hotline-12319', credentialId: credential.split('.')[0], addedAt: '2026-11-27T01:00:00.000Z', revokedAt: null });
    expect(repository.authenticate(credential)).toEqual({ ok: true, name: 'hotline-12319' });
    expect(repository.authenticate(credential, 'hotline-12319')).toEqual({ ok: true, name: 'hotline-12319' });
    expect(repository.authenticate(credential, 'citizen-app')).toEqual({ ok: false, detail: 'another-source' });
    expect(repository.authenticate(undefined)).toEqual({ ok: false, detail: 'no-credential' });
    expect(repository.authenticate('x')).toEqual({ ok: false, detail: 'malformed' });
    expect(repository.authenticate(`${credential.slice(0, -1)}${credential.endsWith('A') ? 'B' : 'A'}`)).toEqual({ ok: false, detail: 'wrong-secret' });
  });

  it('revoke by name; a name has one credential in force; the simulator name is not given', () => {
    const repository = sources();
    const old = repository.add('a').credential;
    expect(() => repository.add('a')).toThrow(SourceNameTaken);
    expect(() => repository.add('simulator')).toThrow(/demo simulator/);
    expect(repository.revoke('a')).toBe(true);
    expect(repository.revoke('a')).toBe(false);
    expect(repository.authenticate(old)).toEqual({ ok: false, detail: 'unknown-or-revoked' });
    expect(repository.authenticate(repository.add('a').credential).ok).toBe(true);
    expect(repository.list().map((entry) => entry.revokedAt === null)).toEqual([false, true]);
  });
});
