import { describe, expect, it } from 'vitest';
import { STORE_ENGINES, testStores } from '../../../test/helpers/test-stores.js';
import { ConsoleCredentials, ConsoleNameTaken, generateConsoleCredential } from './index.js';

const CONSOLE_A = '6f1c1a52-4d8e-4a6e-9a36-0e0d2c4b1a01';
const CONSOLE_B = '6f1c1a52-4d8e-4a6e-9a36-0e0d2c4b1a02';

describe.each(STORE_ENGINES)('console credentials on %s', (engine) => {
  const stores = testStores(engine);
  const credentials = async () => new ConsoleCredentials(await stores.fresh());

  it('are 256-bit random secrets behind a public id, never alike', () => {
    const credential = generateConsoleCredential();
    expect(credential).toMatch(/^[\w-]{12}\.[\w-]{43}$/);
    expect(Buffer.from(credential.split('.')[1] as string, 'base64url')).toHaveLength(32);
    expect(generateConsoleCredential()).not.toBe(credential);
  });

  it('admit an enrolled console, bind it to the console id it first presents, and keep only a hash', async () => {
    const repository = await credentials();
    const { credential, console: enrolled } = await repository.enrol('district-yuzhong-1', new Date('2026-11-27T01:00:00Z'));
    expect(enrolled).toEqual({ name: 'district-yuzhong-1', credentialId: credential.split('.')[0], consoleId: null, enrolledAt: '2026-11-27T01:00:00.000Z', revokedAt: null });
    expect(await repository.authenticate(credential, CONSOLE_A)).toEqual({ ok: true, name: 'district-yuzhong-1', consoleId: CONSOLE_A });
    expect(await repository.authenticate(credential, CONSOLE_A)).toEqual({ ok: true, name: 'district-yuzhong-1', consoleId: CONSOLE_A });
    // The same credential cannot speak for another console.
    expect(await repository.authenticate(credential, CONSOLE_B)).toEqual({ ok: false, detail: 'bound-to-another-console' });
    expect(await repository.list()).toEqual([{ ...enrolled, consoleId: CONSOLE_A }]);
  });

  it('refuse no, malformed, unknown and wrong credentials', async () => {
    const repository = await credentials();
    const { credential } = await repository.enrol('a');
    const [id, secret] = credential.split('.') as [string, string];
    const otherSecret = generateConsoleCredential().split('.')[1] as string;
    expect(await repository.authenticate(undefined, CONSOLE_A)).toEqual({ ok: false, detail: 'no-credential' });
    expect(await repository.authenticate('', CONSOLE_A)).toEqual({ ok: false, detail: 'no-credential' });
    expect(await repository.authenticate(secret, CONSOLE_A)).toEqual({ ok: false, detail: 'malformed' });
    expect(await repository.authenticate(`${id}.${otherSecret}`, CONSOLE_A)).toEqual({ ok: false, detail: 'wrong-secret' });
    expect(await repository.authenticate(generateConsoleCredential(), CONSOLE_A)).toEqual({ ok: false, detail: 'unknown-or-revoked' });
  });

  it('keep a console id to the credential it was bound to', async () => {
    const repository = await credentials();
    const first = (await repository.enrol('a')).credential;
    const second = (await repository.enrol('b')).credential;
    expect((await repository.authenticate(first, CONSOLE_A)).ok).toBe(true);
    expect(await repository.authenticate(second, CONSOLE_A)).toEqual({ ok: false, detail: 'console-id-taken' });
    expect((await repository.authenticate(second, CONSOLE_B)).ok).toBe(true);
  });

  it('revoke by name; the console can be enrolled again and keep its id', async () => {
    const repository = await credentials();
    const old = (await repository.enrol('a', new Date('2026-11-27T01:00:00Z'))).credential;
    expect((await repository.authenticate(old, CONSOLE_A)).ok).toBe(true);
    await expect(repository.enrol('a')).rejects.toThrow(ConsoleNameTaken);
    expect(await repository.revoke('a')).toBe(true);
    expect(await repository.revoke('a')).toBe(false);
    expect(await repository.authenticate(old, CONSOLE_A)).toEqual({ ok: false, detail: 'unknown-or-revoked' });
    // Enrolled later than the first (list() orders by enrolment time).
    const renewed = (await repository.enrol('a', new Date('2026-11-27T02:00:00Z'))).credential;
    expect(await repository.authenticate(renewed, CONSOLE_A)).toEqual({ ok: true, name: 'a', consoleId: CONSOLE_A });
    expect((await repository.list()).map((entry) => [entry.name, entry.revokedAt === null])).toEqual([
      ['a', false],
      ['a', true],
    ]);
  });

  it('refuse names that are not file-name-like', async () => {
    const repository = await credentials();
    await expect(repository.enrol('../etc')).rejects.toThrow(/console name/);
    await expect(repository.enrol('')).rejects.toThrow(/console name/);
  });

  it('admit an in-memory console without storing it', async () => {
    const repository = await credentials();
    const credential = generateConsoleCredential();
    repository.admitInMemory('embedded', credential);
    expect(await repository.list()).toEqual([]);
    expect(await repository.authenticate(credential, CONSOLE_A)).toEqual({ ok: true, name: 'embedded', consoleId: CONSOLE_A });
    expect(await repository.authenticate(credential, CONSOLE_B)).toEqual({ ok: false, detail: 'bound-to-another-console' });
    // Its console id is taken for stored credentials too.
    expect(await repository.authenticate((await repository.enrol('b')).credential, CONSOLE_A)).toEqual({ ok: false, detail: 'console-id-taken' });
  });

  it('survive a restart: enrolment, binding and revocation are in the database', async () => {
    const location = await stores.location();
    const first = await stores.open(location);
    const { credential } = await new ConsoleCredentials(first).enrol('a');
    expect((await new ConsoleCredentials(first).authenticate(credential, CONSOLE_A)).ok).toBe(true);
    await first.close();
    const second = await stores.open(location);
    const repository = new ConsoleCredentials(second);
    expect(await repository.authenticate(credential, CONSOLE_B)).toEqual({ ok: false, detail: 'bound-to-another-console' });
    expect((await repository.authenticate(credential, CONSOLE_A)).ok).toBe(true);
    await repository.revoke('a');
    await second.close();
    const third = await stores.open(location);
    expect(await new ConsoleCredentials(third).authenticate(credential, CONSOLE_A)).toEqual({ ok: false, detail: 'unknown-or-revoked' });
  });

  it('bind a credential once when two backends on the same database admit it at the same time', async () => {
    const location = await stores.location();
    const [one, two] = [new ConsoleCredentials(await stores.open(location)), new ConsoleCredentials(await stores.open(location))];
    const { credential } = await one.enrol('a');
    const outcomes = await Promise.all([one.authenticate(credential, CONSOLE_A), two.authenticate(credential, CONSOLE_B)]);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    const bound = outcomes.find((outcome) => outcome.ok)?.consoleId;
    expect(await one.list()).toMatchObject([{ name: 'a', consoleId: bound }]);
  });
});
