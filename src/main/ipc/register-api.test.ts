import { EventEmitter } from 'node:events';
import type { IpcMain } from 'electron';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../test/helpers/test-logger.js';
import { ipcChannels } from '../../shared/contract/channels.js';
import { defaultSettings } from '../../shared/domain/settings.js';
import { EventHub } from '../core/api/event-hub.js';
import type { ConsoleCore } from '../core/console-core.js';
import { registerApiIpc } from './register-api.js';

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
    identity: { principalFor: () => signedIn, onChange: () => () => undefined },
    dispatch: async (method: string, params: unknown, origin: { role: string | null }) => {
      calls.push({ method, params, role: origin.role });
      return { ok: true, value: defaultSettings };
    },
  } as unknown as ConsoleCore;
  const unregister = registerApiIpc(ipcMain, core, recordingLogger());
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
