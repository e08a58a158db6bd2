import { EventEmitter } from 'node:events';
import type { IpcMain } from 'electron';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { ipcChannels } from '../../shared/contract/channels.js';
import { defaultSettings } from '../../shared/domain/settings.js';
import type { ApiResponse } from '../../shared/contract/errors.js';
import type { Principal } from '../../shared/identity/principal.js';
import { openDatabase } from '../../node/sqlite.js';
import { EventHub } from '../core/api/event-hub.js';
import { createApiDispatch, type ApiHandlers } from '../core/api/index.js';
import type { ConsoleCore } from '../core/console-core.js';
import { consoleMigrations } from '../core/db/console-migrations.js';
import { IdentityService, identityHandlers } from '../core/identity/index.js';
import type { SessionVault } from '../platform/session-vault.js';
import { registerApiIpc } from './register-api.js';

/** The vault of a test: what the app would keep in its file, with every write it was asked for. */
function memoryVault(kept: string | null = null) {
  const saved: (string | null)[] = [];
  return {
    saved,
    get kept() {
      return kept;
    },
    load: () => kept,
    save(secret: string | null) {
      saved.push(secret);
      kept = secret;
    },
  };
}

/**
 * The registration logic of the IPC transport, with Electron's ipcMain and WebContents reduced to the calls it
 * makes. The real transport runs in test/contract/electron-transport.test.ts where Electron is installed.
 */
function harness() {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const listeners = new EventEmitter();
  const ipcMain = {
    handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => void handlers.set(channel, handler),
    removeHandler: (channel: string) => void handlers.delete(channel),
    on: (channel: string, listener: (...args: unknown[]) => void) => listeners.on(channel, listener),
    removeAllListeners: (channel: string) => listeners.removeAllListeners(channel),
  } as unknown as Pick<IpcMain, 'handle' | 'on' | 'removeHandler' | 'removeAllListeners'>;
  const hub = new EventHub();
  const calls: { method: string; params: unknown; role: string | null }[] = [];
  // A window that signed in: the IPC transport asks the identity only whether it may receive events.
  const signedIn = { kind: 'screen', credentialId: 'CD000000000001', label: 'wall' };
  const core = {
    hub,
    identity: { principalFor: () => signedIn, onChange: () => () => undefined, signInLinkCode: () => null },
    dispatch: async (method: string, params: unknown, origin: { role: string | null }) => {
      calls.push({ method, params, role: origin.role });
      return { ok: true, value: defaultSettings };
    },
  } as unknown as ConsoleCore;
  const unregister = registerApiIpc(ipcMain, core, recordingLogger(), memoryVault(), false);
  const sent: unknown[][] = [];
  const sender = Object.assign(new EventEmitter(), { id: 7, isDestroyed: () => false, send: (...args: unknown[]) => void sent.push(args) });
  const event = (url: string) => ({ sender, senderFrame: { url } });
  return { handlers, listeners, hub, calls, sent, sender, event, unregister };
}

describe('registerApiIpc', () => {
  it('dispatches calls from the app origin with the window role', async () => {
    const { handlers, calls, event } = harness();
    const response = await handlers.get(ipcChannels.call)?.(event('app://zhili/dispatch'), 'settings.get', {});
    expect(response).toEqual({ ok: true, value: defaultSettings });
    expect(calls).toEqual([{ method: 'settings.get', params: {}, role: 'dispatch' }]);
  });

  it('refuses calls from any other origin without dispatching them', async () => {
    const { handlers, calls, event } = harness();
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://other/map']) {
      const response = (await handlers.get(ipcChannels.call)?.(event(url), 'settings.get', {})) as { ok: boolean; error: { code: string } };
      expect(response.ok).toBe(false);
      expect(response.error.code).toBe('unauthorized');
    }
    expect(calls).toEqual([]);
  });

  it('forwards subscribed events to the window, and drops the subscription when the window goes', () => {
    const { listeners, hub, sent, sender, event } = harness();
    listeners.emit(ipcChannels.subscribe, event('app://zhili/map'), 'settings.changed');
    hub.emit('settings.changed', { ...defaultSettings, language: 'en' });
    expect(sent).toEqual([[ipcChannels.event, 'settings.changed', { ...defaultSettings, language: 'en' }]]);
    sender.emit('destroyed');
    expect(hub.connectionCount).toBe(0);
  });

  it('ignores subscriptions from foreign frames', () => {
    const { listeners, hub, event } = harness();
    listeners.emit(ipcChannels.subscribe, event('https://evil.example/'), 'settings.changed');
    expect(hub.connectionCount).toBe(0);
  });
});

const PASSWORD = 'first password';

/**
 * The app's one session, against the real identity service on an in-memory console database: `start` is one start of
 * the app (a new registration with the vault), `window` one of its windows, watching its session.changed events.
 */
async function app(options: { administrator?: boolean } = {}) {
  const logger = recordingLogger();
  const db = openDatabase({ file: ':memory:', migrations: consoleMigrations, logger });
  const identity = new IdentityService({ db, now: () => new Date(), logger });
  if (options.administrator !== false) await identity.bootstrap(PASSWORD);
  const hub = new EventHub();
  const handlers = identityHandlers(identity) as unknown as ApiHandlers;
  const core = { hub, identity, dispatch: createApiDispatch(handlers, (secret) => identity.principalFor(secret), logger) } as unknown as ConsoleCore;
  let nextWindow = 1;
  /** `firstStart`: the start that made the console's administrator (a console's very first). */
  const start = (vault: SessionVault, firstStart = false) => {
    const calls = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
    const listeners = new EventEmitter();
    const ipcMain = {
      handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => void calls.set(channel, handler),
      removeHandler: (channel: string) => void calls.delete(channel),
      on: (channel: string, listener: (...args: unknown[]) => void) => listeners.on(channel, listener),
      removeAllListeners: (channel: string) => listeners.removeAllListeners(channel),
    } as unknown as Pick<IpcMain, 'handle' | 'on' | 'removeHandler' | 'removeAllListeners'>;
    const unregister = registerApiIpc(ipcMain, core, logger, vault, firstStart);
    const window = (path = '/map') => {
      const changes: Principal[] = [];
      const sender = Object.assign(new EventEmitter(), {
        id: nextWindow++,
        isDestroyed: () => false,
        send: (_channel: string, event: string, payload: Principal) => void (event === 'session.changed' && changes.push(payload)),
      });
      const event = { sender, senderFrame: { url: `app://zhili${path}` } };
      listeners.emit(ipcChannels.subscribe, event, 'session.changed');
      const call = async (method: string, params: unknown = {}) => (await calls.get(ipcChannels.call)?.(event, method, params)) as ApiResponse<Principal>;
      const principal = async () => {
        const response = await call('session.current');
        return response.ok ? response.value : null;
      };
      return { call, principal, changes, close: () => sender.emit('destroyed') };
    };
    return { window, unregister };
  };
  return { identity, start, logger };
}

describe('the Electron app session', () => {
  it('is one for all windows: a sign-in in one signs every window in, a sign-out in one makes every window nobody', async () => {
    const { start } = await app();
    const vault = memoryVault();
    const { window } = start(vault, true);
    const map = window('/map');
    const dispatch = window('/dispatch');
    await dispatch.call('session.signOut');
    expect(await map.principal()).toEqual({ kind: 'anonymous' });
    expect(map.changes.at(-1)).toEqual({ kind: 'anonymous' });

    const signedIn = await map.call('session.signIn', { username: 'admin', password: PASSWORD });
    expect(signedIn).toMatchObject({ ok: true, value: { kind: 'user', username: 'admin' } });
    expect(await dispatch.principal()).toMatchObject({ kind: 'user', username: 'admin' });
    expect(dispatch.changes.at(-1)).toMatchObject({ kind: 'user', username: 'admin' });

    await map.call('session.lock');
    expect(dispatch.changes.at(-1)).toMatchObject({ kind: 'user', locked: true });
    expect(await dispatch.principal()).toMatchObject({ locked: true });

    const changesBefore = map.changes.length;
    await dispatch.call('session.signOut');
    expect(await map.principal()).toEqual({ kind: 'anonymous' });
    // Told once, by the window's sign-out, not again when the credential's end comes round.
    expect(map.changes.slice(changesBefore)).toEqual([{ kind: 'anonymous' }]);
    expect(vault.kept).toBeNull();
  });

  it('keeps its session across a restart, locked as it was, and a closed window does not end it', async () => {
    const { start } = await app();
    const vault = memoryVault();
    const first = start(vault, true);
    const map = first.window();
    await map.call('session.lock');
    map.close();
    expect(await first.window().principal()).toMatchObject({ kind: 'user', locked: true });
    first.unregister();

    const restarted = start(vault).window();
    expect(await restarted.principal()).toMatchObject({ kind: 'user', username: 'admin', locked: true });
    expect(await restarted.call('users.list')).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('locked') } });
  });

  it('drops a revoked credential from the vault and makes every window nobody; a restart does not bring it back', async () => {
    const { identity, start } = await app();
    const vault = memoryVault();
    const { window, unregister } = start(vault, true);
    const map = window('/map');
    const video = window('/video');
    const current = await map.principal();
    if (current?.kind !== 'user') throw new Error('the app should start signed in');
    identity.revoke(current.credentialId, 'another administrator');
    expect(vault.kept).toBeNull();
    expect(map.changes.at(-1)).toEqual({ kind: 'anonymous' });
    expect(video.changes.at(-1)).toEqual({ kind: 'anonymous' });
    expect(await video.principal()).toEqual({ kind: 'anonymous' });
    unregister();

    // Kept from a run before the revocation: dropped at start, and the app asks to sign in.
    const stale = memoryVault(vault.saved[0] ?? null);
    const restarted = start(stale).window();
    expect(stale.saved[0]).toBeNull();
    expect(await restarted.principal()).toEqual({ kind: 'anonymous' });
  });

  it('signs the app in as the administrator on its first start, and keeps that session', async () => {
    const { start, logger } = await app();
    const vault = memoryVault();
    const map = start(vault, true).window();
    expect(await map.principal()).toMatchObject({ kind: 'user', username: 'admin', roles: expect.arrayContaining(['administrator']) });
    expect(vault.saved).toEqual([expect.any(String)]);
    expect(logger.records).toContainEqual(expect.objectContaining({ message: 'one-time code used', fields: expect.objectContaining({ address: 'local' }) }));
    // Nothing logged holds the secret.
    expect(JSON.stringify(logger.records)).not.toContain(vault.kept);
  });

  it('starts signed out where the console has no enabled administrator to sign in as', async () => {
    const { start } = await app({ administrator: false });
    const vault = memoryVault();
    expect(await start(vault, true).window().principal()).toEqual({ kind: 'anonymous' });
    expect(vault.saved).toEqual([]);
  });

  it('never signs itself in on a later start: a sign-out or a lock is not undone by quitting and starting again', async () => {
    const { start } = await app();
    const vault = memoryVault();
    const first = start(vault, true);
    await first.window().call('session.signOut');
    first.unregister();
    expect(await start(vault).window().principal()).toEqual({ kind: 'anonymous' });
    expect(vault.kept).toBeNull();
  });
});
