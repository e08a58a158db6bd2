import { describe, expect, it } from 'vitest';
import { STORE_ENGINES, testStores } from '../../../test/helpers/test-stores.js';
import { SourceCredentials, SourceNameTaken } from './source-credentials.js';

describe.each(STORE_ENGINES)('source credentials on %s', (engine) => {
  const stores = testStores(engine);
  const sources = async () => new SourceCredentials(await stores.fresh());

  it('admit a source by its credential alone or with its name, and keep only a hash', async () => {
    const repository = await sources();
    const { credential, source } = await repository.add('hotline-12319', null, new Date('2026-11-27T01:00:00Z'));
    expect(source).toEqual({ name: 'hotline-12319', credentialId: credential.split('.')[0], addedAt: '2026-11-27T01:00:00.000Z', revokedAt: null, scope: null });
    expect(await repository.authenticate(credential)).toEqual({ ok: true, name: 'hotline-12319', scope: null });
    expect(await repository.authenticate(credential, 'hotline-12319')).toEqual({ ok: true, name: 'hotline-12319', scope: null });
    expect(await repository.authenticate(credential, 'citizen-app')).toEqual({ ok: false, detail: 'another-source' });
    expect(await repository.authenticate(undefined)).toEqual({ ok: false, detail: 'no-credential' });
    expect(await repository.authenticate('x')).toEqual({ ok: false, detail: 'malformed' });
    expect(await repository.authenticate(`${credential.slice(0, -1)}${credential.endsWith('A') ? 'B' : 'A'}`)).toEqual({ ok: false, detail: 'wrong-secret' });
  });

  it('revoke by name; a name has one credential in force; the simulator name is not given', async () => {
    const repository = await sources();
    const old = (await repository.add('a', null, new Date('2026-11-27T01:00:00Z'))).credential;
    await expect(repository.add('a')).rejects.toThrow(SourceNameTaken);
    await expect(repository.add('simulator')).rejects.toThrow(/demo simulator/);
    expect(await repository.revoke('a')).toBe(true);
    expect(await repository.revoke('a')).toBe(false);
    expect(await repository.authenticate(old)).toEqual({ ok: false, detail: 'unknown-or-revoked' });
    // Added later than the first (list() orders by when a credential was added).
    expect((await repository.authenticate((await repository.add('a', null, new Date('2026-11-27T02:00:00Z'))).credential)).ok).toBe(true);
    expect((await repository.list()).map((entry) => entry.revokedAt === null)).toEqual([false, true]);
  });

  it('keep what a source may speak for with its credential, and a scope that no longer reads lets it speak for nothing', async () => {
    const store = await stores.fresh();
    const repository = new SourceCredentials(store);
    const scope = { systems: ['hotline-12319' as const], devices: ['SN0001*', 'VH000042'] };
    const { credential } = await repository.add('district-1', scope);
    expect(await repository.authenticate(credential)).toEqual({ ok: true, name: 'district-1', scope });
    expect((await repository.list())[0]?.scope).toEqual(scope);
    await expect(repository.add('bad', { systems: null, devices: ['*'] })).rejects.toThrow(/device id/);
    await store.db.updateTable('ingest_source_credentials').set({ scope_json: '{"systems": "all"' }).execute();
    expect(await repository.authenticate(credential)).toEqual({ ok: true, name: 'district-1', scope: { systems: [], devices: [] } });
  });
});
