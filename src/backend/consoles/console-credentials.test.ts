import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { migrate, openDatabase } from '../../node/sqlite.js';
import { backendMigrations } from '../db/backend-migrations.js';
import { ConsoleCredentials, ConsoleNameTaken, generateConsoleCredential } from './index.js';

const CONSOLE_A = '6f1c1a52-4d8e-4a6e-9a36-0e0d2c4b1a01';
const CONSOLE_B = '6f1c1a52-4d8e-4a6e-9a36-0e0d2c4b1a02';

function credentials(): ConsoleCredentials {
  const db = new Database(':memory:');
  migrate(db, backendMigrations, recordingLogger());
  return new ConsoleCredentials(db);
}

describe('console credentials', () => {
  const work = mkdtempSync(join(tmpdir(), 'zhili-console-credentials-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('are 256-bit random secrets behind a public id, never alike', () => {
    const credential = generateConsoleCredential();
    expect(credential).toMatch(/^[\w-]{12}\.[\w-]{43}$/);
    expect(Buffer.from(credential.split('.')[1] as string, 'base64url')).toHaveLength(32);
    expect(generateConsoleCredential()).not.toBe(credential);
  });

  it('admit an enrolled console, bind it to the console id it first presents, and keep only a hash', () => {
    const repository = credentials();
    const { credential, console: enrolled } = repository.enrol('district-yuzhong-1', new Date('2026-11-27T01:00:00Z'));
    expect(enrolled).toEqual({ name: 'district-yuzhong-1', credentialId: credential.split('.')[0], consoleId: null, enrolledAt: '2026-11-27T01:00:00.000Z', revokedAt: null });
    expect(repository.authenticate(credential, CONSOLE_A)).toEqual({ ok: true, name: 'district-yuzhong-1', consoleId: CONSOLE_A });
    expect(repository.authenticate(credential, CONSOLE_A)).toEqual({ ok: true, name: 'district-yuzhong-1', consoleId: CONSOLE_A });
    // The same credential cannot speak for another console.
    expect(repository.authenticate(credential, CONSOLE_B)).toEqual({ ok: false, detail: 'bound-to-another-console' });
    expect(repository.list()).toEqual([{ ...enrolled, consoleId: CONSOLE_A }]);
  });

  it('refuse no, malformed, unknown and wrong credentials', () => {
    const repository = credentials();
    const { credential } = repository.enrol('a');
    const [id, secret] = credential.split('.') as [string, string];
    const otherSecret = generateConsoleCredential().split('.')[1] as string;
    expect(repository.authenticate(undefined, CONSOLE_A)).toEqual({ ok: false, detail: 'no-credential' });
    expect(repository.authenticate('', CONSOLE_A)).toEqual({ ok: false, detail: 'no-credential' });
    expect(repository.authenticate(secret, CONSOLE_A)).toEqual({ ok: false, detail: 'malformed' });
    expect(repository.authenticate(`${id}.${otherSecret}`, CONSOLE_A)).toEqual({ ok: false, detail: 'wrong-secret' });
    expect(repository.authenticate(generateConsoleCredential(), CONSOLE_A)).toEqual({ ok: false, detail: 'unknown-or-revoked' });
  });

  it('keep a console id to the credential it was bound to', () => {
    const repository = credentials();
    const first = repository.enrol('a').credential;
    const second = repository.enrol('b').credential;
    expect(repository.authenticate(first, CONSOLE_A).ok).toBe(true);
    expect(repository.authenticate(second, CONSOLE_A)).toEqual({ ok: false, detail: 'console-id-taken' });
    expect(repository.authenticate(second, CONSOLE_B).ok).toBe(true);
  });

  it('revoke by name; the console can be enrolled again and keep its id', () => {
    const repository = credentials();
    const old = repository.enrol('a').credential;
    expect(repository.authenticate(old, CONSOLE_A).ok).toBe(true);
    expect(() => repository.enrol('a')).toThrow(ConsoleNameTaken);
    expect(repository.revoke('a')).toBe(true);
    expect(repository.revoke('a')).toBe(false);
    expect(repository.authenticate(old, CONSOLE_A)).toEqual({ ok: false, detail: 'unknown-or-revoked' });
    const renewed = repository.enrol('a').credential;
    expect(repository.authenticate(renewed, CONSOLE_A)).toEqual({ ok: true, name: 'a', consoleId: CONSOLE_A });
    expect(repository.list().map((entry) => [entry.name, entry.revokedAt === null])).toEqual([
      ['a', false],
      ['a', true],
    ]);
  });

  it('refuse names that are not file-name-like', () => {
    expect(() => credentials().enrol('../etc')).toThrow(/console name/);
    expect(() => credentials().enrol('')).toThrow(/console name/);
  });

  it('admit an in-memory console without storing it', () => {
    const repository = credentials();
    const credential = generateConsoleCredential();
    repository.admitInMemory('embedded', credential);
    expect(repository.list()).toEqual([]);
    expect(repository.authenticate(credential, CONSOLE_A)).toEqual({ ok: true, name: 'embedded', consoleId: CONSOLE_A });
    expect(repository.authenticate(credential, CONSOLE_B)).toEqual({ ok: false, detail: 'bound-to-another-console' });
    // Its console id is taken for stored credentials too.
    expect(repository.authenticate(repository.enrol('b').credential, CONSOLE_A)).toEqual({ ok: false, detail: 'console-id-taken' });
  });

  it('survive a restart: enrolment, binding and revocation are in the database file', () => {
    const file = join(work, 'backend.sqlite');
    const open = () => openDatabase({ file, migrations: backendMigrations, logger: recordingLogger() });
    const first = open();
    const { credential } = new ConsoleCredentials(first).enrol('a');
    expect(new ConsoleCredentials(first).authenticate(credential, CONSOLE_A).ok).toBe(true);
    first.close();
    const second = open();
    const repository = new ConsoleCredentials(second);
    expect(repository.authenticate(credential, CONSOLE_B)).toEqual({ ok: false, detail: 'bound-to-another-console' });
    expect(repository.authenticate(credential, CONSOLE_A).ok).toBe(true);
    repository.revoke('a');
    second.close();
    const third = open();
    expect(new ConsoleCredentials(third).authenticate(credential, CONSOLE_A)).toEqual({ ok: false, detail: 'unknown-or-revoked' });
    third.close();
  });
});
