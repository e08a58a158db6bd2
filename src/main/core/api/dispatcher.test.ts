import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/helpers/test-logger.js';
import { apiMethodNames } from '../../../shared/contract/api.js';
import { ApiFailure, apiError } from '../../../shared/contract/errors.js';
import { defaultSettings } from '../../../shared/domain/settings.js';
import { operatorRoles } from '../../../shared/identity/operator-roles.js';
import type { Principal } from '../../../shared/identity/principal.js';
import { signedInUser } from '../../../../test/fixtures/principals.js';
import { createApiDispatch, type ApiHandlers, type CallOrigin } from './dispatcher.js';

const origin: CallOrigin = { transport: 'test', clientId: 't', role: null, address: 'test', session: { credential: 'secret', adopt: () => undefined } };
const administrator = signedInUser({ username: 'admin', displayName: 'admin', roles: [...operatorRoles] });
const asAdministrator = (credential: string | null): Principal => (credential === 'secret' ? administrator : { kind: 'anonymous' });

function handlers(overrides: Partial<ApiHandlers> = {}): ApiHandlers {
  const fail = () => {
    throw new Error('not called in this test');
  };
  const unused = Object.fromEntries(apiMethodNames.map((method) => [method, fail])) as unknown as ApiHandlers;
  return {
    ...unused,
    'settings.get': () => defaultSettings,
    'settings.update': (patch) => ({ ...defaultSettings, ...patch }),
    ...overrides,
  };
}

describe('createApiDispatch', () => {
  it('passes parsed params to the handler and wraps the value', async () => {
    const dispatch = createApiDispatch(handlers(), asAdministrator, recordingLogger());
    await expect(dispatch('settings.update', { language: 'en' }, origin)).resolves.toEqual({
      ok: true,
      value: { ...defaultSettings, language: 'en' },
    });
  });

  it('answers an unknown method as data', async () => {
    const dispatch = createApiDispatch(handlers(), asAdministrator, recordingLogger());
    const response = await dispatch('fs.readFile', {}, origin);
    expect(response).toEqual({ ok: false, error: { code: 'unknown-method', message: 'Unknown method "fs.readFile".' } });
  });

  it('logs a call to an unknown method as a rejection, a huge name shortened in the log and the reply', async () => {
    const logger = recordingLogger();
    const dispatch = createApiDispatch(handlers(), asAdministrator, logger);
    const response = await dispatch('m'.repeat(1_000_000), {}, origin);
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.error.message.length).toBeLessThan(200);
    expect(logger.records).toEqual([expect.objectContaining({ level: 'warn', message: 'rejected a call to an unknown method' })]);
    expect(JSON.stringify(logger.records).length).toBeLessThan(1000);
  });

  it('answers and logs at most 20 issues, each shortened, however many fields a call gets wrong', async () => {
    const logger = recordingLogger();
    const dispatch = createApiDispatch(handlers(), asAdministrator, logger);
    const params = Object.fromEntries(Array.from({ length: 2_000 }, (_, index) => [`${'k'.repeat(500)}${index}`, index]));
    const response = await dispatch('settings.update', params, origin);
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.error.issues?.length).toBeLessThanOrEqual(20);
    expect(JSON.stringify(response).length).toBeLessThan(10_000);
    expect(JSON.stringify(logger.records).length).toBeLessThan(10_000);
  });

  it('does not treat inherited object keys as methods', async () => {
    const dispatch = createApiDispatch(handlers(), asAdministrator, recordingLogger());
    expect((await dispatch('constructor', {}, origin)).ok).toBe(false);
    expect((await dispatch('__proto__', {}, origin)).ok).toBe(false);
  });

  it('rejects params that break the schema, naming each field', async () => {
    const logger = recordingLogger();
    const dispatch = createApiDispatch(handlers(), asAdministrator, logger);
    const response = await dispatch('settings.update', { language: 'fr', extra: 1 }, origin);
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.error.code).toBe('invalid-params');
    expect(response.error.issues?.map((issue) => issue.path)).toEqual(expect.arrayContaining(['language']));
    expect(logger.records.some((record) => record.level === 'warn')).toBe(true);
  });

  it('turns an ApiFailure into its error and anything else into an internal error without details', async () => {
    const dispatch = createApiDispatch(
      handlers({
        'settings.get': () => {
          throw new ApiFailure(apiError('unavailable', 'down'));
        },
        'feed.summary': () => {
          throw new Error('secret stack detail');
        },
      }),
      asAdministrator,
      recordingLogger(),
    );
    expect(await dispatch('settings.get', {}, origin)).toEqual({ ok: false, error: { code: 'unavailable', message: 'down' } });
    const internal = await dispatch('feed.summary', {}, origin);
    expect(internal.ok).toBe(false);
    if (!internal.ok) {
      expect(internal.error.code).toBe('internal');
      expect(internal.error.message).not.toContain('secret');
    }
  });

  it('refuses a caller without a credential before the handler runs, and one whose roles do not allow the method', async () => {
    const logger = recordingLogger();
    const called: string[] = [];
    const dispatch = createApiDispatch(
      handlers({ 'users.list': () => (called.push('users.list'), []), 'host.info': () => (called.push('host.info'), null as never) }),
      (credential) => (credential === 'secret' ? { ...administrator, roles: ['dispatcher'] } : { kind: 'anonymous' }),
      logger,
    );
    const anonymousOrigin = { ...origin, session: { credential: null, adopt: () => undefined } };
    expect(await dispatch('users.list', {}, anonymousOrigin)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await dispatch('users.list', {}, origin)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await dispatch('host.info', {}, anonymousOrigin);
    expect(called).toEqual(['host.info']);
    expect(logger.records.filter((record) => record.message === 'refused a call')).toHaveLength(2);
  });
});
